import type { DatasetValue } from '../../../common';
import { fitImputer, type ImputeParams } from '../../../common/nodes/prep/impute';
import type { Executor } from '../Executor';
import { datasetStep } from './datasetStep';

export const imputeExecutor: Executor<ImputeParams> = async (ctx) =>
  datasetStep(ctx, (ds: DatasetValue) => fitImputer(ds, ctx.params));
