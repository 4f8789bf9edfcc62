/**
 * A tiny trained model for export and evaluation tests, built by hand so the tests do not wait on
 * the compiler or the trainer: x → Gemm → Relu → Gemm (→ Softmax), weights from a seeded generator.
 */
import type { FittedTransform, RawFeature, TrainedModelValue } from '../../../../../core/common';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';

/** Uniform values in [-0.5, 0.5) from the app's seeded generator. */
export function seeded(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() - 0.5;
}

export interface TinyWeights {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  hidden: number;
}

export function tinyModel(opts: {
  features: number;
  outputs: number;
  task: 'classification' | 'regression';
  classNames?: string[];
  rawFeatures?: RawFeature[];
  transforms?: FittedTransform[];
  featureNames?: string[];
  featureShape?: number[];
  seed?: number;
}): { model: TrainedModelValue; weights: TinyWeights } {
  const r = seeded(opts.seed ?? 1);
  const hidden = 8;
  const w1 = Float32Array.from({ length: opts.features * hidden }, () => r() * 2);
  const b1 = Float32Array.from({ length: hidden }, () => r() * 0.2);
  const w2 = Float32Array.from({ length: hidden * opts.outputs }, () => r() * 2);
  const b2 = Float32Array.from({ length: opts.outputs }, () => r() * 0.2);
  const featureShape = opts.featureShape ?? [opts.features];
  const nodes = [
    ...(featureShape.length > 1
      ? [{ opType: 'Flatten', inputs: ['x'], outputs: ['flat'], attrs: { axis: { i: 1 } } }]
      : []),
    { opType: 'Gemm', inputs: [featureShape.length > 1 ? 'flat' : 'x', 'w1', 'b1'], outputs: ['h'] },
    { opType: 'Relu', inputs: ['h'], outputs: ['hr'] },
    { opType: 'Gemm', inputs: ['hr', 'w2', 'b2'], outputs: [opts.task === 'classification' ? 'logits' : 'y'] },
    ...(opts.task === 'classification'
      ? [{ opType: 'Softmax', inputs: ['logits'], outputs: ['y'], attrs: { axis: { i: 1 } } }]
      : []),
  ];
  const bytes = encodeModelData({
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny',
      nodes: nodes,
      initializers: [
        { name: 'w1', dtype: 'float32', dims: [opts.features, hidden], data: w1 },
        { name: 'b1', dtype: 'float32', dims: [hidden], data: b1 },
        { name: 'w2', dtype: 'float32', dims: [hidden, opts.outputs], data: w2 },
        { name: 'b2', dtype: 'float32', dims: [opts.outputs], data: b2 },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', ...featureShape] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['N', opts.outputs] }],
    },
  });
  const model: TrainedModelValue = {
    task: opts.task,
    featureShape,
    ...(opts.featureNames ? { featureNames: opts.featureNames } : {}),
    ...(opts.classNames ? { classNames: opts.classNames } : {}),
    ...(opts.rawFeatures ? { rawFeatures: opts.rawFeatures } : {}),
    transforms: opts.transforms ?? [],
    onnx: bytes,
    inputName: 'x',
    outputName: 'y',
    spec: null,
    weights: {},
    history: [{ epoch: 3, metrics: { loss: 0.5 } }],
    provider: 'cpu',
    datasetFingerprint: 'sha256:test',
    trainParams: { epochs: 3 },
    ...(opts.task === 'regression' ? { targetDim: opts.outputs } : {}),
  };
  return { model, weights: { w1, b1, w2, b2, hidden } };
}

/** The same network in float64 JavaScript: an oracle independent of onnxruntime. */
export function forward(
  w: TinyWeights,
  x: ArrayLike<number>,
  features: number,
  outputs: number,
  softmax: boolean,
): number[] {
  const h = Array.from({ length: w.hidden }, (_, j) => {
    let s = w.b1[j];
    for (let i = 0; i < features; i++) s += x[i] * w.w1[i * w.hidden + j];
    return Math.max(0, s);
  });
  const z = Array.from({ length: outputs }, (_, k) => {
    let s = w.b2[k];
    for (let j = 0; j < w.hidden; j++) s += h[j] * w.w2[j * outputs + k];
    return s;
  });
  if (!softmax) return z;
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
