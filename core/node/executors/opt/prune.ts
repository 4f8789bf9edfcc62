import type { DatasetSplit, DatasetValue, TrainedModelValue } from '../../../common';
import type { PruneParams } from '../../../common/nodes/opt/prune';
import { checkCompatible, pickSplit } from '../../inference/runModel';
import type { Executor } from '../Executor';
import { accuracyOn, firstRow, modelStats, type ModelStats } from './modelStats';
import { pruneTrainedModel } from './pruneModel';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

function line(name: string, s: ModelStats, accuracy: number | undefined): string {
  return (
    `${name}: ${s.parameters} parameters (${s.nonzero} non-zero), ONNX ${kb(s.bytes)}, batch-1 ${s.batch1Ms.toFixed(4)} ms` +
    (accuracy !== undefined ? `, accuracy ${accuracy.toFixed(4)}` : '')
  );
}

export const pruneExecutor: Executor<PruneParams> = async (ctx) => {
  const where = `opt.prune (${ctx.nodeId})`;
  const model = ctx.inputs.model as TrainedModelValue;
  const data = ctx.inputs.data as DatasetValue | undefined;
  let split: DatasetSplit | undefined;
  if (data) {
    checkCompatible(model, data, where, ctx.params.split);
    split = pickSplit(data, ctx.params.split, where);
  }
  const { model: pruned, removed, skipped } = pruneTrainedModel(model, ctx.params, where);
  ctx.progress(0.3, 'measuring');
  const row = await firstRow(split, model.featureShape);
  const before = await modelStats(model, row);
  const after = await modelStats(pruned, row);
  ctx.progress(0.7, 'measuring');
  const accBefore = split ? await accuracyOn(model, split, ctx.signal) : undefined;
  const accAfter = split ? await accuracyOn(pruned, split, ctx.signal) : undefined;
  for (const [id, why] of Object.entries(skipped)) ctx.log(`${id} kept whole: ${why}`);
  const shrunk = Object.entries(removed).map(([id, units]) => `${id} −${units.length}`);
  const metrics: Record<string, number> = {
    parameters_before: before.parameters,
    parameters_after: after.parameters,
    nonzero_after: after.nonzero,
    sparsity: 1 - after.nonzero / before.parameters,
    bytes_before: before.bytes,
    bytes_after: after.bytes,
    batch1_ms_before: before.batch1Ms,
    batch1_ms_after: after.batch1Ms,
    ...(accBefore !== undefined && accAfter !== undefined
      ? { accuracy_before: accBefore, accuracy_after: accAfter }
      : {}),
  };
  const text = [
    `${ctx.params.method} pruning to ${ctx.params.sparsity}${shrunk.length ? ` (units removed: ${shrunk.join(', ')})` : ''}`,
    line('before', before, accBefore),
    line('after', after, accAfter),
    ...(split ? [] : ['connect a dataset to measure accuracy before and after']),
    ...(ctx.params.method === 'magnitude'
      ? [
          'magnitude pruning keeps dense float storage: the file and the latency stay as they are; structured pruning shrinks them',
        ]
      : []),
  ].join('\n');
  ctx.progress(1);
  return { outputs: { model: pruned }, summary: { text, metrics } };
};
