import type { z } from 'zod';
import type { DatasetValue } from '../../../common';
import { fitEncoder, type onehotParams } from '../../../common/nodes/prep/fitEncoder';
import type { Executor } from '../Executor';
import { datasetStep } from './datasetStep';

export const onehotExecutor: Executor<z.output<typeof onehotParams>> = async (ctx) =>
  datasetStep(ctx, (ds: DatasetValue) => fitEncoder(ds, 'onehot', ctx.params));
