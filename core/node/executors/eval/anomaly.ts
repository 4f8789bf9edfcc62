import type { z } from 'zod';
import type { DatasetValue, PredictionsValue, TrainedModelValue } from '../../../common';
import { argmaxRows } from '../../../common/metrics';
import { buildInferenceGraph, type LossKind } from '../../../common/model';
import type { evalAnomalyParams } from '../../../common/nodes/eval/anomaly';
import { readRows } from '../../data/splitRows';
import { rowErrors } from '../../gen/rowErrors';
import { autoencoderSpec, weightsOf } from '../../gen/vaeParts';
import { checkCompatible, pickSplit, runTrainedModel } from '../../inference/runModel';
import { UserError, type Executor } from '../Executor';

type Params = z.output<typeof evalAnomalyParams>;

/** The q-quantile of `values` with linear interpolation between order statistics (numpy's default). */
function quantile(values: Float32Array, q: number): number {
  const s = Float64Array.from(values).sort();
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (at - lo) * (s[hi] - s[lo]);
}

/** Ground truth as 0 (normal) / 1 (anomaly), where the dataset says which rows are anomalies. */
function anomalyLabels(data: DatasetValue, y: Int32Array | Float32Array, p: Params, where: string) {
  if (data.task !== 'classification') return undefined;
  if (p.anomalyClass) {
    const k = data.classNames?.indexOf(p.anomalyClass) ?? -1;
    if (k < 0)
      throw new UserError(
        `${where}: anomalyClass "${p.anomalyClass}" is not a class of the dataset (${(data.classNames ?? []).join(', ')})`,
        1,
      );
    return Int32Array.from(y, (c) => (c === k ? 1 : 0));
  }
  return data.classNames?.length === 2 ? Int32Array.from(y) : undefined;
}

export const evalAnomalyExecutor: Executor<Params> = async (ctx) => {
  const where = `eval.anomaly (${ctx.nodeId})`;
  const p = ctx.params;
  const model = ctx.inputs.model as TrainedModelValue | undefined;
  const data = ctx.inputs.data as DatasetValue;
  if (!model) throw new UserError(`${where}: no trained model arrived at the model input; connect a train.trainer`, 1);
  const spec = autoencoderSpec(model, where, '');
  const loss = (model.trainParams.loss as LossKind | undefined) ?? 'mse';
  checkCompatible({ ...model, task: data.task }, data, where, p.split);
  const split = pickSplit(data, p.split, where);
  const train = data.splits.train;
  if (!train?.n)
    throw new UserError(`${where}: the dataset has no training rows to set the threshold from; connect prep.split`, 1);

  const x = await readRows(train, 0, train.n, ctx.signal);
  const rec = await runTrainedModel(model, x, train.n, { batchSize: p.batchSize, signal: ctx.signal });
  const threshold = Math.max(quantile(rowErrors(rec.values, x, train.n, loss), p.quantile), 1e-12);
  ctx.progress(0.4);

  const { params, buffers } = weightsOf(spec, model);
  const binary = data.task === 'classification' && data.classNames?.length === 2 && !p.anomalyClass;
  const classNames = binary ? [...data.classNames!] : ['normal', 'anomaly'];
  const { targetDim: _width, ...schema } = model;
  const scorer: TrainedModelValue = {
    ...schema,
    task: 'classification',
    classNames,
    targetName: binary ? (data.targetName ?? 'class') : 'anomaly',
    onnx: buildInferenceGraph(spec, params, { task: 'regression', loss, buffers, anomalyThreshold: threshold }),
    trainParams: { ...model.trainParams, anomalyThreshold: threshold, anomalyQuantile: p.quantile },
  };
  const out = await runTrainedModel(scorer, split, split.n, {
    batchSize: p.batchSize,
    signal: ctx.signal,
    progress: (f) => ctx.progress(0.4 + 0.6 * f),
  });
  const predicted = argmaxRows(out.values, 2);
  const actual = anomalyLabels(data, split.y, p, where);
  const predictions: PredictionsValue = {
    task: 'classification',
    split: p.split,
    n: split.n,
    classNames,
    predicted,
    probabilities: out.values,
    ...(actual ? { actual } : {}),
    ...(split.rowIds ? { rowIds: split.rowIds } : {}),
  };
  const flagged = predicted.reduce((a, v) => a + v, 0);
  ctx.progress(1);
  return {
    outputs: { predictions, scorer },
    summary: {
      text:
        `threshold ${threshold.toPrecision(5)} (the ${p.quantile} quantile of ${train.n} training rows' ${loss} reconstruction errors); ` +
        `${flagged} of ${split.n} ${p.split} rows above it`,
      metrics: { threshold, flagged },
      provider: out.provider,
    },
  };
};
