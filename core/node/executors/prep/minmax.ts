import type { DatasetValue } from '../../../common';
import { fitScaler, type ScaleParams } from '../../../common/nodes/prep/fitScaler';
import type { Executor } from '../Executor';
import { datasetStep } from './datasetStep';

export const minmaxExecutor: Executor<ScaleParams> = async (ctx) =>
  datasetStep(ctx, (ds: DatasetValue) => fitScaler(ds, ctx.params, 'minmax'));
