import type { z } from 'zod';
import type { DatasetValue } from '../../../common';
import { fitEncoder, type ordinalParams } from '../../../common/nodes/prep/fitEncoder';
import type { Executor } from '../Executor';
import { datasetStep } from './datasetStep';

export const ordinalExecutor: Executor<z.output<typeof ordinalParams>> = async (ctx) =>
  datasetStep(ctx, (ds: DatasetValue) => fitEncoder(ds, 'ordinal', ctx.params));
