import { describe, expect, it } from 'vitest';
import type { LayerNode, LayerSpec, LossKind, ModelSpecValue } from '../../../../../core/common/model';
import { gradCheck, noise } from './gradCheck';

/** A sequential spec from layers (ids l1, l2, ...). */
function seq(...layers: LayerSpec[]): ModelSpecValue {
  const nodes: LayerNode[] = layers.map((layer, i) => ({
    id: `l${i + 1}`,
    layer,
    inputs: [i === 0 ? 'input' : `l${i}`],
  }));
  return { format: 'weft.model', nodes, output: `l${layers.length}` };
}

interface Case {
  name: string;
  spec: ModelSpecValue;
  featureShape: number[];
  loss?: LossKind;
  units?: number;
  batch?: number;
  x?: number[];
  cfg?: Record<string, unknown>;
  /** Coordinates to check (default 40, drawn at random). */
  coords?: number;
}

const head: LayerSpec = { kind: 'dense', units: 'auto' };
const flat: LayerSpec = { kind: 'flatten' };
/** An Embedding feeding an LSTM that returns sequences, and ids with repeats and unused table rows. */
const embeddedLstmSequences = seq(
  { kind: 'embedding', vocabSize: 9, dim: 3 },
  { kind: 'lstm', units: 3, returnSequences: true },
  flat,
  head,
);
const repeatedIds = [8, 2, 2, 0, 5, 8, 8, 2, 0, 0, 5, 5, 2, 8, 0, 2];

const cases: Case[] = [
  { name: 'Dense + ReLU', spec: seq({ kind: 'dense', units: 5, activation: 'relu' }, head), featureShape: [4] },
  {
    name: 'LeakyReLU, GELU',
    spec: seq(
      { kind: 'dense', units: 5, activation: 'leaky_relu' },
      { kind: 'dense', units: 4, activation: 'gelu' },
      head,
    ),
    featureShape: [3],
  },
  {
    name: 'sigmoid, tanh, softmax layer',
    spec: seq(
      { kind: 'dense', units: 5, activation: 'sigmoid' },
      { kind: 'dense', units: 4, activation: 'tanh' },
      { kind: 'activation', fn: 'softmax' },
      head,
    ),
    featureShape: [3],
  },
  {
    name: 'Conv2D valid',
    spec: seq({ kind: 'conv2d', filters: 3, kernelSize: 3 }, flat, head),
    featureShape: [2, 5, 5],
  },
  {
    name: 'Conv2D stride 2 (uneven), same padding',
    spec: seq(
      { kind: 'conv2d', filters: 2, kernelSize: 3, strides: 2, padding: 'same' },
      { kind: 'conv2d', filters: 2, kernelSize: 2, strides: 2 },
      flat,
      head,
    ),
    featureShape: [2, 7, 6],
  },
  {
    name: 'Conv2D dilation 2, few input taps (im2col dW), wide layer (dW convolution)',
    spec: seq(
      { kind: 'conv2d', filters: 6, kernelSize: 3, dilation: 2 },
      { kind: 'conv2d', filters: 2, kernelSize: [2, 3] },
      flat,
      head,
    ),
    featureShape: [1, 8, 9],
  },
  {
    name: 'Conv2D dilation 2, padding 1',
    spec: seq({ kind: 'conv2d', filters: 2, kernelSize: 3, dilation: 2, padding: 1, activation: 'tanh' }, flat, head),
    featureShape: [1, 6, 7],
  },
  {
    name: 'MaxPool2D tiled',
    spec: seq({ kind: 'conv2d', filters: 2, kernelSize: 3 }, { kind: 'maxpool2d', poolSize: 2 }, flat, head),
    featureShape: [1, 6, 6],
  },
  {
    name: 'MaxPool2D floor-cropped (7×6 → 3×3)',
    spec: seq({ kind: 'conv2d', filters: 2, kernelSize: 3 }, { kind: 'maxpool2d', poolSize: 2 }, flat, head),
    featureShape: [1, 9, 8],
  },
  {
    name: 'MaxPool2D 3×2 windows, cropped',
    spec: seq({ kind: 'conv2d', filters: 2, kernelSize: 2 }, { kind: 'maxpool2d', poolSize: [3, 2] }, flat, head),
    featureShape: [1, 8, 7],
  },
  {
    name: 'ReLU → MaxPool2D (ReLU mask applied at the pooled size), cropped',
    spec: seq(
      { kind: 'conv2d', filters: 3, kernelSize: 3, activation: 'relu' },
      { kind: 'maxpool2d', poolSize: 2 },
      flat,
      head,
    ),
    featureShape: [1, 9, 8],
  },
  {
    name: 'ReLU output read by a MaxPool2D and a skip branch',
    spec: {
      format: 'weft.model',
      output: 'out',
      nodes: [
        { id: 'c', layer: { kind: 'conv2d', filters: 2, kernelSize: 3, activation: 'relu' }, inputs: ['input'] },
        { id: 'p', layer: { kind: 'maxpool2d', poolSize: 2 }, inputs: ['c'] },
        { id: 'f1', layer: flat, inputs: ['p'] },
        { id: 'f2', layer: flat, inputs: ['c'] },
        { id: 'cat', layer: { kind: 'concat' }, inputs: ['f1', 'f2'] },
        { id: 'out', layer: head, inputs: ['cat'] },
      ],
    },
    featureShape: [1, 6, 7],
  },
  {
    name: 'MaxPool2D overlapping, padded',
    spec: seq(
      { kind: 'conv2d', filters: 2, kernelSize: 2 },
      { kind: 'maxpool2d', poolSize: 3, strides: 2, padding: 'same' },
      flat,
      head,
    ),
    featureShape: [1, 6, 7],
  },
  {
    name: 'AvgPool2D same, GlobalAvgPool',
    spec: seq(
      { kind: 'conv2d', filters: 3, kernelSize: 2 },
      { kind: 'avgpool2d', poolSize: 2, padding: 'same' },
      { kind: 'globalavgpool' },
      head,
    ),
    featureShape: [1, 6, 5],
  },
  {
    name: 'Reshape, BatchNorm (conv and dense)',
    spec: seq(
      { kind: 'reshape', shape: [1, 4, 4] },
      { kind: 'conv2d', filters: 2, kernelSize: 2 },
      { kind: 'batchnorm' },
      flat,
      { kind: 'dense', units: 4 },
      { kind: 'batchnorm' },
      head,
    ),
    featureShape: [16],
    batch: 5,
  },
  { name: 'LayerNorm', spec: seq({ kind: 'dense', units: 6 }, { kind: 'layernorm' }, head), featureShape: [3] },
  {
    name: 'Embedding + LSTM',
    spec: seq({ kind: 'embedding', vocabSize: 7, dim: 3 }, { kind: 'lstm', units: 4 }, head),
    featureShape: [5],
    x: Array.from({ length: 20 }, (_, i) => (i * 3) % 7),
  },
  {
    name: 'Embedding + GRU',
    spec: seq({ kind: 'embedding', vocabSize: 7, dim: 3 }, { kind: 'gru', units: 4 }, head),
    featureShape: [5],
    x: Array.from({ length: 20 }, (_, i) => (i * 3) % 7),
  },
  {
    // The input product runs over the distinct ids: repeated ones sum their rows' gradients, and the
    // table rows of ids never seen (1, 3, 4, 6, 7) get none.
    name: 'Embedding + LSTM returning sequences, ids repeated and some unused',
    spec: embeddedLstmSequences,
    featureShape: [4],
    x: repeatedIds,
    coords: 300,
  },
  {
    // The table's gradient sums the LSTM's (over distinct ids) and the pooling branch's (Gather's rule).
    name: 'Embedding read by an LSTM and by a pooling branch',
    spec: {
      format: 'weft.model',
      output: 'out',
      nodes: [
        { id: 'e', layer: { kind: 'embedding', vocabSize: 6, dim: 2 }, inputs: ['input'] },
        { id: 'r', layer: { kind: 'lstm', units: 3 }, inputs: ['e'] },
        { id: 'p', layer: { kind: 'globalavgpool1d' }, inputs: ['e'] },
        { id: 'cat', layer: { kind: 'concat' }, inputs: ['r', 'p'] },
        { id: 'out', layer: head, inputs: ['cat'] },
      ],
    },
    featureShape: [3],
    x: [5, 1, 1, 0, 5, 3, 3, 3, 1, 0, 0, 5],
    coords: 120,
  },
  {
    name: 'Embedding + LSTM over one step',
    spec: seq({ kind: 'embedding', vocabSize: 6, dim: 2 }, { kind: 'lstm', units: 3 }, head),
    featureShape: [1],
    x: [4, 1, 4, 0],
  },
  {
    name: 'Embedding + GRU over one step',
    spec: seq({ kind: 'embedding', vocabSize: 6, dim: 2 }, { kind: 'gru', units: 3 }, head),
    featureShape: [1],
    x: [4, 1, 4, 0],
  },
  {
    name: 'LSTM returning sequences',
    spec: seq({ kind: 'lstm', units: 3, returnSequences: true }, flat, head),
    featureShape: [4, 2],
  },
  { name: 'LSTM over one step', spec: seq({ kind: 'lstm', units: 3 }, head), featureShape: [1, 2] },
  { name: 'GRU last state', spec: seq({ kind: 'gru', units: 3 }, head), featureShape: [4, 2] },
  { name: 'GRU over one step', spec: seq({ kind: 'gru', units: 3 }, head), featureShape: [1, 2] },
  {
    name: 'GRU returning sequences',
    spec: seq({ kind: 'gru', units: 3, returnSequences: true }, flat, head),
    featureShape: [4, 2],
  },
  { name: 'Multi-head self-attention', spec: seq({ kind: 'attention', heads: 2 }, flat, head), featureShape: [3, 4] },
  {
    name: 'Transformer encoder block',
    spec: seq({ kind: 'transformer', heads: 2, ffDim: 6, dropout: 0 }, flat, head),
    featureShape: [3, 4],
  },
  {
    name: 'Add and Concat branches',
    spec: {
      format: 'weft.model',
      output: 'out',
      nodes: [
        { id: 'a', layer: { kind: 'dense', units: 4, activation: 'tanh' }, inputs: ['input'] },
        { id: 'b', layer: { kind: 'dense', units: 4 }, inputs: ['a'] },
        { id: 'sum', layer: { kind: 'add' }, inputs: ['a', 'b'] },
        { id: 'cat', layer: { kind: 'concat' }, inputs: ['sum', 'input'] },
        { id: 'out', layer: head, inputs: ['cat'] },
      ],
    },
    featureShape: [3],
  },
  {
    name: 'cross-entropy with label smoothing and class weights',
    spec: seq({ kind: 'dense', units: 4, activation: 'relu' }, head),
    featureShape: [3],
    cfg: { labelSmoothing: 0.1, classWeights: [1, 2, 0.5] },
  },
  {
    name: 'binary cross-entropy',
    spec: seq({ kind: 'dense', units: 4, activation: 'relu' }, head),
    featureShape: [3],
    loss: 'binary_cross_entropy',
    units: 1,
  },
  {
    name: 'MSE',
    spec: seq({ kind: 'dense', units: 4, activation: 'relu' }, head),
    featureShape: [3],
    loss: 'mse',
    units: 2,
  },
  {
    name: 'MAE',
    spec: seq({ kind: 'dense', units: 4, activation: 'relu' }, head),
    featureShape: [3],
    loss: 'mae',
    units: 2,
  },
  {
    name: 'Huber',
    spec: seq({ kind: 'dense', units: 4, activation: 'relu' }, head),
    featureShape: [3],
    loss: 'huber',
    units: 2,
    cfg: { huberDelta: 0.5 },
  },
];

describe('gradient rules against central finite differences', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const batch = c.batch ?? 4;
      const per = c.featureShape.reduce((a, b) => a * b, 1);
      const loss = c.loss ?? 'cross_entropy';
      const units = c.units ?? 3;
      const x = c.x ?? noise(batch * per, 17).map((v) => 2 * v);
      const labels =
        loss === 'cross_entropy'
          ? Array.from({ length: batch }, (_, i) => i % units)
          : loss === 'binary_cross_entropy'
            ? Array.from({ length: batch }, (_, i) => i % 2)
            : noise(batch * units, 23);
      const res = await gradCheck(c.spec, {
        featureShape: c.featureShape,
        outputUnits: units,
        loss,
        x,
        batch,
        labels,
        cfg: c.cfg,
        ...(c.coords ? { coords: c.coords } : {}),
      });
      expect(res.worst, `${res.dtype}, ${res.checked} coordinates, worst abs ${res.worstAbs}`).toBeLessThan(1);
    });
  }

  it.each([
    { name: 'LayerNorm', spec: seq({ kind: 'dense', units: 6 }, { kind: 'layernorm' }, head), featureShape: [3] },
    {
      name: 'Transformer encoder block',
      spec: seq({ kind: 'transformer', heads: 2, ffDim: 6, dropout: 0 }, flat, head),
      featureShape: [3, 4],
    },
    {
      name: 'LSTM returning sequences',
      spec: seq({ kind: 'lstm', units: 3, returnSequences: true }, flat, head),
      featureShape: [4, 2],
    },
    {
      name: 'GRU returning sequences',
      spec: seq({ kind: 'gru', units: 3, returnSequences: true }, flat, head),
      featureShape: [4, 2],
    },
    {
      name: 'Embedding + LSTM returning sequences',
      spec: embeddedLstmSequences,
      featureShape: [4],
      x: repeatedIds,
    },
    {
      name: 'Embedding + GRU',
      spec: seq({ kind: 'embedding', vocabSize: 9, dim: 3 }, { kind: 'gru', units: 3 }, head),
      featureShape: [4],
      x: repeatedIds,
    },
  ])('$name in a float32 training step (the fused ops float64 graphs spell out)', async (c) => {
    const per = c.featureShape.reduce((a, b) => a * b, 1);
    const res = await gradCheck(c.spec, {
      featureShape: c.featureShape,
      outputUnits: 3,
      loss: 'cross_entropy',
      x: ('x' in c && c.x) || noise(4 * per, 17).map((v) => 2 * v),
      batch: 4,
      labels: [0, 1, 2, 0],
      coords: 200,
      forceFloat32: true,
    });
    expect(res.worst, `${res.dtype}, ${res.checked} coordinates, worst abs ${res.worstAbs}`).toBeLessThan(1);
  });

  it('Dropout: gradients flow through the same mask (fresh session per evaluation)', async () => {
    const spec = seq({ kind: 'dense', units: 6, activation: 'tanh' }, { kind: 'dropout', rate: 0.5 }, head);
    const res = await gradCheck(spec, {
      featureShape: [3],
      outputUnits: 3,
      loss: 'cross_entropy',
      x: noise(12, 3),
      batch: 4,
      labels: [0, 1, 2, 0],
      coords: 12,
      freshSession: true,
    });
    expect(res.worst, `${res.dtype}, worst abs ${res.worstAbs}`).toBeLessThan(1);
  });
});
