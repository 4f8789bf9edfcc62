import type { TrainedModelValue } from '../../common';
import {
  buildInferenceGraph,
  ModelShapeError,
  splitAutoencoder,
  type LossKind,
  type ResolvedModel,
} from '../../common/model';
import { UserError } from '../executors/Executor';

/** A trained VAE's encoder and decoder, each a TrainedModel that export and the eval nodes take. */
export interface VaeModels {
  /** Features (the VAE's input, behind its fitted steps) → μ `[latent]`. */
  encoder: TrainedModelValue;
  /** Latent `[latent]` → the reconstruction, shaped like the VAE's features (flat). */
  decoder: TrainedModelValue;
  latent: number;
}

/** The trained weights of `part`'s parameters and buffers (a model or part of one), in its order. */
export function weightsOf(
  part: ResolvedModel,
  whole: TrainedModelValue,
): { params: Float32Array[]; buffers: Float32Array; weights: Record<string, Float32Array> } {
  const weights: Record<string, Float32Array> = {};
  const params = part.params.map((p) => {
    const w = whole.weights[p.name];
    if (!w) throw new UserError(`the trained model has no weights for ${p.name}; retrain it`, 1);
    weights[p.name] = w;
    return w;
  });
  const buffers = new Float32Array(part.buffers.reduce((a, b) => a + b.shape.reduce((x, y) => x * y, 1), 0));
  let at = 0;
  for (const b of part.buffers) {
    const w = whole.weights[b.name];
    if (!w) throw new UserError(`the trained model has no running statistics ${b.name}; retrain it`, 1);
    weights[b.name] = w;
    buffers.set(w, at);
    at += w.length;
  }
  return { params, buffers, weights };
}

function partModel(
  part: ResolvedModel,
  whole: TrainedModelValue,
  loss: LossKind | undefined,
): Pick<TrainedModelValue, 'onnx' | 'spec' | 'weights'> {
  const { params, buffers, weights } = weightsOf(part, whole);
  const onnx = buildInferenceGraph(part, params, { task: 'regression', ...(loss ? { loss } : {}), buffers });
  return { onnx, spec: part, weights };
}

/** The model spec of an autoencoder trained by train.trainer (target input); a UserError otherwise. */
export function autoencoderSpec(model: TrainedModelValue, where: string, need: string): ResolvedModel {
  const spec = model.spec as ResolvedModel | undefined;
  if (model.trainParams.target !== 'input' || !spec?.nodes) {
    throw new UserError(
      `${where}: the model was not trained as an autoencoder; connect a train.trainer with target input${need}`,
      1,
    );
  }
  return spec;
}

/**
 * Cuts a VAE trained by `train.trainer` (target input, one `layer.sampling`) into its encoder and
 * decoder. `where` names the node in errors.
 */
export function vaeParts(model: TrainedModelValue, where: string): VaeModels {
  const spec = autoencoderSpec(model, where, ' whose model has a layer.sampling');
  let parts;
  try {
    parts = splitAutoencoder(spec);
  } catch (e) {
    if (e instanceof ModelShapeError) throw new UserError(`${where}: ${e.message}`, 1);
    throw e;
  }
  const loss = model.trainParams.loss as LossKind | undefined;
  const width = model.featureShape.reduce((a, b) => a * b, 1);
  const base = {
    history: model.history,
    provider: model.provider,
    trainParams: model.trainParams,
    inputName: 'input',
    outputName: 'output',
    ...(model.datasetFingerprint ? { datasetFingerprint: model.datasetFingerprint } : {}),
  };
  const encoder: TrainedModelValue = {
    ...base,
    ...partModel(parts.encoder, model, undefined),
    task: 'regression',
    featureShape: [...model.featureShape],
    ...(model.featureNames ? { featureNames: [...model.featureNames] } : {}),
    ...(model.rawFeatures ? { rawFeatures: model.rawFeatures.map((f) => ({ ...f })) } : {}),
    transforms: model.transforms.map((t) => ({ ...t })),
    targetName: 'latent μ',
    targetDim: parts.latent,
  };
  const decoder: TrainedModelValue = {
    ...base,
    ...partModel(parts.decoder, model, loss === 'binary_cross_entropy' ? loss : undefined),
    task: 'regression',
    featureShape: [parts.latent],
    featureNames: Array.from({ length: parts.latent }, (_, i) => `z${i}`),
    transforms: [],
    targetName: 'reconstruction',
    targetDim: width,
  };
  return { encoder, decoder, latent: parts.latent };
}
