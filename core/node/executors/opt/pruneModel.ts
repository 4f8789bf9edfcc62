import type { PruningInfo, TrainedModelValue } from '../../../common';
import { buildInferenceGraph, type LossKind, type ResolvedModel } from '../../../common/model';
import { magnitudeMasks, structuredPrune, type WeightMap } from '../../../common/model/pruning';
import type { PruneParams } from '../../../common/nodes/opt/prune';
import { UserError } from '../Executor';

/** What pruning did, beside the pruned model. */
export interface PruneOutcome {
  model: TrainedModelValue;
  /** Structured: removed unit indices by layer id. */
  removed: Record<string, number[]>;
  /** Structured: layers left whole, with the reason. */
  skipped: Record<string, string>;
}

const isResolved = (s: unknown): s is ResolvedModel =>
  typeof s === 'object' &&
  s !== null &&
  Array.isArray((s as ResolvedModel).nodes) &&
  Array.isArray((s as ResolvedModel).params);

/** The inference graph of `spec` with `weights` (BatchNorm statistics included), as the trainer builds it. */
function inferenceOnnx(model: TrainedModelValue, spec: ResolvedModel, weights: WeightMap): Uint8Array {
  const buffers = new Float32Array(spec.buffers.reduce((a, b) => a + weights[b.name].length, 0));
  let at = 0;
  for (const b of spec.buffers) {
    buffers.set(weights[b.name], at);
    at += weights[b.name].length;
  }
  const loss = model.trainParams.loss as LossKind | undefined;
  return buildInferenceGraph(
    spec,
    spec.params.map((p) => weights[p.name]),
    { task: model.task, buffers, ...(loss ? { loss } : {}) },
  );
}

/** `model` pruned as `p` says: masked kernels (magnitude) or shrunk layers (structured). */
export function pruneTrainedModel(model: TrainedModelValue, p: PruneParams, where: string): PruneOutcome {
  const spec = model.spec;
  if (!isResolved(spec))
    throw new UserError(
      `${where}: the model has no Weft model architecture (it was not trained by train.trainer); only neural models trained in Weft can be pruned`,
      1,
    );
  if (!(p.sparsity >= 0 && p.sparsity < 1))
    throw new UserError(`${where}: sparsity must be in [0, 1), got ${p.sparsity}; e.g. 0.5 prunes half`, 1);
  const base: Omit<PruningInfo, 'masks' | 'dense'> = {
    method: p.method,
    sparsity: p.sparsity,
    scope: p.method === 'structured' ? 'layer' : p.scope,
    schedule: p.method === 'structured' ? 'oneshot' : p.schedule,
  };
  if (p.method === 'structured') {
    const r = structuredPrune(spec, model.weights, p.sparsity);
    if (p.sparsity > 0 && Object.keys(r.removed).length === 0)
      throw new UserError(
        `${where}: no layer could be shrunk: ${Object.entries(r.skipped)
          .map(([id, why]) => `${id} (${why})`)
          .join(', ')}; structured pruning removes units of dense/conv2d layers that feed one dense/conv2d layer`,
        1,
      );
    const pruned: TrainedModelValue = {
      ...model,
      spec: r.model,
      weights: r.weights,
      onnx: inferenceOnnx(model, r.model, r.weights),
      pruning: base,
    };
    return { model: pruned, removed: r.removed, skipped: r.skipped };
  }
  const masks = magnitudeMasks(spec, model.weights, p.sparsity, p.scope);
  const weights: WeightMap = { ...model.weights };
  for (const [name, m] of Object.entries(masks)) weights[name] = model.weights[name].map((v, i) => v * m[i]);
  const pruning: PruningInfo = {
    ...base,
    masks,
    ...(p.schedule === 'gradual' ? { dense: model.pruning?.dense ?? model.weights } : {}),
  };
  return {
    model: { ...model, weights, onnx: inferenceOnnx(model, spec, weights), pruning },
    removed: {},
    skipped: {},
  };
}
