import type { DatasetValue, PruningInfo, TrainedModelValue } from '../../common';
import { packParams, unpackParams, type ResolvedModel } from '../../common/model';
import { preparationDiff } from '../../common/nodes/eval/preparationDiff';
import { flatMask, gradualSparsity, magnitudeMasks, prunableParams, type WeightMap } from '../../common/model/pruning';
import { UserError } from '../executors/Executor';

/** Where fine-tuning starts: the trained model's architecture and weights, and its pruning masks. */
export interface FineTuneStart {
  model: ResolvedModel;
  params: Float32Array;
  buffers: Float32Array;
  mask?: { initial: Float32Array; update?: (epoch: number, params: Float32Array) => Float32Array | undefined };
  pruning?: PruningInfo;
}

const isResolved = (s: unknown): s is ResolvedModel =>
  typeof s === 'object' &&
  s !== null &&
  Array.isArray((s as ResolvedModel).nodes) &&
  Array.isArray((s as ResolvedModel).params);

function pick(
  model: ResolvedModel,
  weights: WeightMap,
  where: string,
): { params: Float32Array; buffers: Float32Array } {
  const missing = [...model.params, ...model.buffers].filter((p) => !weights[p.name]).map((p) => p.name);
  if (missing.length)
    throw new UserError(`${where}: the model on "init" has no weights for ${missing.slice(0, 3).join(', ')}`, 1);
  const buffers = packParams(model.buffers.map((b) => weights[b.name]));
  return { params: packParams(model.params.map((p) => weights[p.name])), buffers };
}

/**
 * The start of a fine-tuning run from `init` on `data`: refuses a model without a Weft model IR
 * (a classical learner, a loaded ONNX file) or one whose input or output size does not fit the
 * dataset; warns when the dataset was prepared differently. A gradual pruning schedule starts
 * from the dense weights and re-prunes by magnitude before each of the first epochs.
 */
export function fineTuneStart(
  init: TrainedModelValue,
  data: DatasetValue,
  units: number,
  epochs: number,
  where: string,
  log: (message: string, level?: 'info' | 'warn') => void,
): FineTuneStart {
  const model = init.spec;
  if (!isResolved(model))
    throw new UserError(
      `${where}: the model on "init" has no Weft model architecture (it was not trained by train.trainer); only neural models trained in Weft can be fine-tuned`,
      1,
    );
  if (model.inputShape.join('x') !== data.featureShape.join('x'))
    throw new UserError(
      `${where}: the model on "init" takes features [${model.inputShape.join(', ')}] but the dataset has [${data.featureShape.join(', ')}]`,
      1,
    );
  const outUnits = model.outputShape.reduce((a, b) => a * b, 1);
  if (outUnits !== units)
    throw new UserError(
      `${where}: the model on "init" has ${outUnits} outputs but the dataset needs ${units}; fine-tune it on a dataset with the same classes or targets`,
      1,
    );
  const diff = preparationDiff(init, data);
  if (diff.length) log(`the model on "init" was trained on data prepared differently: ${diff.join('; ')}`, 'warn');
  const pruning = init.pruning;
  if (pruning?.schedule === 'gradual' && pruning.dense && pruning.method === 'magnitude') {
    const start = pick(model, pruning.dense, where);
    const names = prunableParams(model);
    const update = (epoch: number, params: Float32Array): Float32Array => {
      const weights: WeightMap = {};
      unpackParams(model, params).forEach((v, i) => (weights[model.params[i].name] = v));
      const s = gradualSparsity(pruning.sparsity, epoch, epochs);
      return flatMask(model, magnitudeMasks(model, weights, s, pruning.scope));
    };
    log(
      `gradual pruning of ${names.length} kernels to sparsity ${pruning.sparsity} over the first ${Math.ceil(epochs / 2)} epochs`,
    );
    return { model, ...start, mask: { initial: flatMask(model, {}), update }, pruning };
  }
  const start = pick(model, init.weights, where);
  if (pruning?.masks) return { model, ...start, mask: { initial: flatMask(model, pruning.masks) }, pruning };
  return { model, ...start, ...(pruning ? { pruning } : {}) };
}
