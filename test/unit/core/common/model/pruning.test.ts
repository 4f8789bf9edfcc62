import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildInferenceGraph, initParams, resolveSpec, type ResolvedModel } from '../../../../../core/common/model';
import {
  gradualSparsity,
  magnitudeMasks,
  structuredPrune,
  type WeightMap,
} from '../../../../../core/common/model/pruning';
import { cnnParams, cnnSpec } from '../../../../../core/common/nodes/model/cnn';
import { mlpParams, mlpSpec } from '../../../../../core/common/nodes/model/mlp';
import { noise } from './gradCheck';

function weightsOf(model: ResolvedModel, seed: number): WeightMap {
  const w: WeightMap = {};
  initParams(model, seed).values.forEach((v, i) => {
    const jitter = noise(v.length, seed + i);
    w[model.params[i].name] = v.map((x, k) => x + 0.05 * jitter[k]);
  });
  return w;
}

async function predict(model: ResolvedModel, weights: WeightMap, x: Float32Array, n: number): Promise<Float32Array> {
  const buffers = Float32Array.from(model.buffers.flatMap((b) => Array.from(weights[b.name])));
  const onnx = buildInferenceGraph(
    model,
    model.params.map((p) => weights[p.name]),
    { task: 'classification', buffers },
  );
  const s = await ort.InferenceSession.create(onnx);
  try {
    const out = await s.run({ input: new ort.Tensor('float32', x, [n, ...model.inputShape]) });
    return out.output.data as Float32Array;
  } finally {
    await s.release();
  }
}

const zeros = (m: WeightMap): number => Object.values(m).reduce((a, v) => a + v.filter((x) => x === 0).length, 0);

describe('magnitude pruning masks', () => {
  const model = resolveSpec(mlpSpec(mlpParams.parse({ hidden: [20, 10] })), { featureShape: [8], outputUnits: 3 });
  const w = weightsOf(model, 4);
  const kernels = ['mlp/dense1/kernel', 'mlp/dense2/kernel', 'mlp/output/kernel'];
  const total = kernels.reduce((a, k) => a + w[k].length, 0);

  it('global: exactly round(s·N) kernel weights, the smallest |w| over all kernels', () => {
    const masks = magnitudeMasks(model, w, 0.37, 'global');
    expect(Object.keys(masks).sort()).toEqual([...kernels].sort());
    expect(zeros(masks)).toBe(Math.round(0.37 * total));
    let maxPruned = 0;
    let minKept = Infinity;
    for (const k of kernels)
      w[k].forEach((v, i) => {
        if (masks[k][i] === 0) maxPruned = Math.max(maxPruned, Math.abs(v));
        else minKept = Math.min(minKept, Math.abs(v));
      });
    expect(maxPruned).toBeLessThanOrEqual(minKept);
  });

  it('per layer: round(s·n) in each kernel', () => {
    const masks = magnitudeMasks(model, w, 0.6, 'layer');
    for (const k of kernels) expect(masks[k].filter((x) => x === 0).length).toBe(Math.round(0.6 * w[k].length));
  });

  it('refuses a sparsity outside [0, 1)', () => {
    expect(() => magnitudeMasks(model, w, 1, 'global')).toThrow(/\[0, 1\)/);
    expect(() => magnitudeMasks(model, w, -0.1, 'layer')).toThrow(/\[0, 1\)/);
    expect(() => structuredPrune(model, w, 1.5)).toThrow(/\[0, 1\)/);
  });

  it('gradual: cubic ramp to the target over the first half of the epochs, then flat', () => {
    const got = [0, 1, 2, 3, 4, 5].map((e) => gradualSparsity(0.8, e, 6));
    const want = [0.8 * (1 - (2 / 3) ** 3), 0.8 * (1 - (1 / 3) ** 3), 0.8, 0.8, 0.8, 0.8];
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 12));
  });
});

describe('structured pruning', () => {
  it('removes the dense neurons with the smallest L2 norm and predicts as the masked original', async () => {
    const spec = mlpSpec(mlpParams.parse({ hidden: [5, 4], activation: 'sigmoid' }));
    const model = resolveSpec(spec, { featureShape: [3], outputUnits: 2 });
    const w = weightsOf(model, 2);
    // Column norms of dense1 (kernel [3, 5]) set by hand: 3, 0.5, 2, 0.1, 1.
    const norms = [3, 0.5, 2, 0.1, 1];
    const k1 = new Float32Array(15);
    for (let j = 0; j < 5; j++) {
      const col = [1, 2, 2].map((v) => (v / 3) * norms[j]);
      for (let i = 0; i < 3; i++) k1[i * 5 + j] = col[i];
    }
    w['mlp/dense1/kernel'] = k1;
    const r = structuredPrune(model, w, 0.4);
    expect(r.removed['mlp/dense1']).toEqual([1, 3]);
    expect(r.removed['mlp/dense2']).toHaveLength(2);
    expect(r.skipped['mlp/output']).toMatch(/model output/);
    const shape = (name: string): number[] => r.model.params.find((p) => p.name === name)!.shape;
    expect(shape('mlp/dense1/kernel')).toEqual([3, 3]);
    expect(shape('mlp/dense2/kernel')).toEqual([3, 2]);
    expect(shape('mlp/output/kernel')).toEqual([2, 2]);
    expect(Array.from(r.weights['mlp/dense1/bias'])).toEqual([0, 2, 4].map((j) => w['mlp/dense1/bias'][j]));

    // Independent check: the original architecture with the removed units' incoming columns, biases
    // and outgoing rows zeroed gives the same predictions as the shrunk model.
    const masked: WeightMap = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Float32Array.from(v)]));
    const zeroUnits = (layer: string, next: string, units: number[], width: number): void => {
      for (const j of units) {
        for (let i = 0; i < masked[`${layer}/kernel`].length / width; i++) masked[`${layer}/kernel`][i * width + j] = 0;
        masked[`${layer}/bias`][j] = 0;
        const nextWidth = masked[`${next}/kernel`].length / width;
        for (let c = 0; c < nextWidth; c++) masked[`${next}/kernel`][j * nextWidth + c] = 0;
      }
    };
    zeroUnits('mlp/dense1', 'mlp/dense2', r.removed['mlp/dense1'], 5);
    zeroUnits('mlp/dense2', 'mlp/output', r.removed['mlp/dense2'], 4);
    const x = Float32Array.from(noise(30, 3));
    const a = await predict(model, masked, x, 10);
    const b = await predict(r.model, r.weights, x, 10);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
  });

  it('shrinks BatchNorm parameters and statistics with the dense units they follow', async () => {
    const model = resolveSpec(mlpSpec(mlpParams.parse({ hidden: [6], batchNorm: true, dropout: 0.2 })), {
      featureShape: [4],
      outputUnits: 3,
    });
    const w = weightsOf(model, 5);
    w['mlp/bn1/moving_mean'] = Float32Array.from(noise(6, 1));
    w['mlp/bn1/moving_variance'] = Float32Array.from(noise(6, 2), (v) => 1 + 0.5 * v);
    const r = structuredPrune(model, w, 0.5);
    const gone = r.removed['mlp/dense1'];
    expect(gone).toHaveLength(3);
    const kept = [0, 1, 2, 3, 4, 5].filter((j) => !gone.includes(j));
    for (const name of ['mlp/bn1/gamma', 'mlp/bn1/beta', 'mlp/bn1/moving_mean', 'mlp/bn1/moving_variance'])
      expect(Array.from(r.weights[name])).toEqual(kept.map((j) => w[name][j]));
    const masked: WeightMap = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Float32Array.from(v)]));
    for (const j of gone) masked['mlp/output/kernel'].fill(0, j * 3, (j + 1) * 3);
    const x = Float32Array.from(noise(20, 9));
    const a = await predict(model, masked, x, 5);
    const b = await predict(r.model, r.weights, x, 5);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
  });

  it('removes conv channels (through pooling and a flatten) and predicts as the masked original', async () => {
    const spec = cnnSpec(cnnParams.parse({ filters: [4, 6], dense: [5] }));
    const model = resolveSpec(spec, { featureShape: [1, 12, 12], outputUnits: 3 });
    const w = weightsOf(model, 8);
    const r = structuredPrune(model, w, 0.5);
    expect(r.removed['cnn/conv1']).toHaveLength(2);
    expect(r.removed['cnn/conv2']).toHaveLength(3);
    expect(r.removed['cnn/dense1']).toHaveLength(Math.round(2.5));
    const filterNorm = (k: Float32Array, o: number, per: number): number =>
      Math.hypot(...Array.from(k.subarray(o * per, (o + 1) * per)));
    const n1 = [0, 1, 2, 3].map((o) => filterNorm(w['cnn/conv1/kernel'], o, 9));
    const two = [...n1.keys()]
      .sort((p, q) => n1[p] - n1[q])
      .slice(0, 2)
      .sort();
    expect(r.removed['cnn/conv1']).toEqual(two);

    const masked: WeightMap = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Float32Array.from(v)]));
    for (const o of r.removed['cnn/conv1']) {
      masked['cnn/conv1/kernel'].fill(0, o * 9, (o + 1) * 9);
      masked['cnn/conv1/bias'][o] = 0;
      for (let f = 0; f < 6; f++) masked['cnn/conv2/kernel'].fill(0, (f * 4 + o) * 9, (f * 4 + o + 1) * 9);
    }
    const hw = model.nodes.find((n) => n.id === 'cnn/flatten')!.inShapes[0].slice(1);
    const per = hw[0] * hw[1];
    for (const o of r.removed['cnn/conv2']) {
      masked['cnn/conv2/kernel'].fill(0, o * 36, (o + 1) * 36);
      masked['cnn/conv2/bias'][o] = 0;
      for (let row = o * per; row < (o + 1) * per; row++) masked['cnn/dense1/kernel'].fill(0, row * 5, (row + 1) * 5);
    }
    for (const j of r.removed['cnn/dense1']) {
      for (let row = 0; row < 6 * per; row++) masked['cnn/dense1/kernel'][row * 5 + j] = 0;
      masked['cnn/dense1/bias'][j] = 0;
      masked['cnn/output/kernel'].fill(0, j * 3, (j + 1) * 3);
    }
    const x = Float32Array.from(noise(4 * 144, 5));
    const a = await predict(model, masked, x, 4);
    const b = await predict(r.model, r.weights, x, 4);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });
});
