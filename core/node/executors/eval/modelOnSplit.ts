import type { DatasetSplit, DatasetValue, TrainedModelValue } from '../../../common';
import { checkCompatible, pickSplit, runTrainedModel, type ModelOutput } from '../../inference/runModel';
import { UserError, type ExecutorContext } from '../Executor';

export interface ModelOnSplit {
  model: TrainedModelValue;
  data: DatasetValue;
  split: DatasetSplit;
  out: ModelOutput;
}

/**
 * The eval nodes' common first step: checks the connected model against the dataset (and, when
 * `task` is given, that the model is of that task), then runs it on the chosen split, reporting
 * progress up to 90%.
 */
export async function modelOnSplit(
  ctx: ExecutorContext<{ split: string; batchSize: number }>,
  where: string,
  task?: TrainedModelValue['task'],
): Promise<ModelOnSplit> {
  const model = ctx.inputs.model as TrainedModelValue | undefined;
  const data = ctx.inputs.data as DatasetValue;
  if (!model)
    throw new UserError(`${where}: no trained model arrived at the model input; check the node that feeds it`);
  if (task && model.task !== task) {
    throw new UserError(
      `${where}: the model is a ${model.task === 'regression' ? 'regressor' : 'classifier'}; use eval.${model.task}`,
    );
  }
  checkCompatible(model, data, where, ctx.params.split);
  const split = pickSplit(data, ctx.params.split, where);
  const out = await runTrainedModel(model, split, split.n, {
    batchSize: ctx.params.batchSize,
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(f * 0.9, m),
  });
  return { model, data, split, out };
}
