import type { z } from 'zod';
import type { DatasetValue, TrainedModelValue } from '../../../common';
import { formatTable, regressionMetrics } from '../../../common/metrics';
import type { evalRegressionParams } from '../../../common/nodes/eval/regression';
import { checkCompatible, pickSplit, runTrainedModel } from '../../inference/runModel';
import { UserError, type Executor } from '../Executor';
import { finiteOnly, scalarsLine } from './classification';

export const evalRegressionExecutor: Executor<z.output<typeof evalRegressionParams>> = async (ctx) => {
  const model = ctx.inputs.model as TrainedModelValue;
  const data = ctx.inputs.data as DatasetValue;
  const where = `eval.regression (${ctx.nodeId})`;
  if (model.task !== 'regression') throw new UserError(`${where}: the model is a classifier; use eval.classification`);
  checkCompatible(model, data, where);
  const split = pickSplit(data, ctx.params.split, where);
  const out = await runTrainedModel(model, split.x, split.n, {
    batchSize: ctx.params.batchSize,
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(f * 0.9, m),
  });
  const targets = data.targetDim ?? 1;
  if (out.width !== targets) throw new UserError(`${where}: the model outputs ${out.width} values per row but the dataset has ${targets} targets`);
  const metrics = regressionMetrics({
    split: ctx.params.split,
    actual: split.y,
    predicted: out.values,
    targets,
    ...(data.targetName ? { targetNames: targets === 1 ? [data.targetName] : Array.from({ length: targets }, (_, t) => `${data.targetName}[${t}]`) } : {}),
  });
  ctx.progress(1);
  return {
    outputs: { metrics },
    summary: { metrics: finiteOnly(metrics.scalars), text: [scalarsLine(metrics.scalars), ...metrics.tables.map(formatTable)].join('\n\n'), provider: out.provider },
  };
};
