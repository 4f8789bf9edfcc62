import { describe, expect, it } from 'vitest';
import type { LayerSpec, ModelSpecValue } from '../../../../../../core/common/model';
import type { T } from '../../../../../../core/common/model/graph/GraphBuilder';
import { GraphBuilder } from '../../../../../../core/common/model/graph/GraphBuilder';
import { inferLayer } from '../../../../../../core/common/model/layers/layerShapes';
import { samplingNode } from '../../../../../../core/common/nodes/layer/sampling';
import { gradCheck, noise } from '../../model/gradCheck';
import { session, tensor } from '../../model/ortHelpers';

type Layer = { kind: 'sampling'; beta?: number };

/** The layer alone in a float64 graph: input `[batch, 2k]`, outputs `z` and (train mode) the weighted KL term `kl`. */
function layerGraph(mode: 'train' | 'infer', layer: Layer, k: number, seed = 3): Uint8Array {
  const b = new GraphBuilder('float64');
  const x = b.input('x', ['batch', 2 * k]);
  const terms: T[] = [];
  const z = samplingNode.emit({
    ctx: {
      b,
      mode,
      seed,
      param: () => {
        throw new Error('no params');
      },
      buffer: () => {
        throw new Error('no buffers');
      },
      setBuffer: () => undefined,
      addLoss: (t) => terms.push(t),
    },
    node: { id: 's', inputs: ['input'], inShapes: [[2 * k]], outShape: [k], params: [], buffers: [] },
    layer,
    x,
    xs: [x],
    index: 1,
    p: () => {
      throw new Error('no params');
    },
  });
  b.output(z, 'z');
  if (terms[0]) b.output(terms[0], 'kl');
  return b.encode('sampling');
}

async function runOnce(onnx: Uint8Array, x: Float64Array, rows: number): Promise<{ z: Float64Array; kl?: number }> {
  const s = await session(onnx);
  const out = await s.run({ x: tensor(x, [rows, x.length / rows]) });
  await s.release();
  return { z: out.z.data as Float64Array, ...(out.kl ? { kl: Number(out.kl.data[0]) } : {}) };
}

// Three samples of a 2-d latent: μ then log σ² per row.
const mu = [
  [0.5, -1.0],
  [0.0, 2.0],
  [-0.3, 0.1],
];
const logvar = [
  [0.0, -0.5],
  [1.0, 0.2],
  [-2.0, 0.7],
];
const rows = Float64Array.from(mu.flatMap((m, i) => [...m, ...logvar[i]]));

describe('layer.sampling', () => {
  it('takes [2·latent] and outputs [latent]; names the layer on an odd or non-flat input', () => {
    expect(inferLayer('s', { kind: 'sampling', beta: 1 }, [[6]])).toEqual({ outShape: [3], params: [], buffers: [] });
    expect(() => inferLayer('s', { kind: 'sampling' }, [[5]])).toThrow(
      'Layer "s" (sampling) got input [5] but needs [2·latent] values per sample: μ, then log σ²',
    );
    expect(() => inferLayer('s', { kind: 'sampling' }, [[2, 4]])).toThrow(/needs \[2·latent\]/);
  });

  it('trains with z = μ + exp(½·log σ²)·ε, ε the seeded normal draw (recovered at μ = 0, log σ² = 0)', async () => {
    const onnx = layerGraph('train', { kind: 'sampling', beta: 1 }, 2);
    const eps = (await runOnce(onnx, new Float64Array(rows.length), 3)).z;
    const { z } = await runOnce(onnx, rows, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 2; j++) {
        const want = mu[i][j] + Math.exp(0.5 * logvar[i][j]) * eps[i * 2 + j];
        expect(z[i * 2 + j]).toBeCloseTo(want, 12);
      }
  });

  it('adds β·KL = −½·β·Σ(1 + log σ² − μ² − σ²), averaged over the batch, to the loss (hand-computed)', async () => {
    // Row sums of 1 + lv − μ² − e^lv:
    // row 0: (1 + 0 − 0.25 − 1) + (1 − 0.5 − 1 − e^−0.5) = −0.25 + (−0.5 − 0.6065306597) = −1.3565306597
    // row 1: (1 + 1 − 0 − e) + (1 + 0.2 − 4 − e^0.2) = −0.7182818285 + (−2.8 − 1.2214027582) = −4.7396845867
    // row 2: (1 − 2 − 0.09 − e^−2) + (1 + 0.7 − 0.01 − e^0.7) = −1.2253352832 + (1.69 − 2.0137527075) = −1.5490879907
    const sums = [-1.3565306597, -4.7396845867, -1.5490879907];
    const kl = (-0.5 * (sums[0] + sums[1] + sums[2])) / 3;
    expect(kl).toBeCloseTo(1.2742172062, 9);
    const got = await runOnce(layerGraph('train', { kind: 'sampling', beta: 1 }, 2), rows, 3);
    expect(got.kl).toBeCloseTo(kl, 9);
    const weighted = await runOnce(layerGraph('train', { kind: 'sampling', beta: 0.25 }, 2), rows, 3);
    expect(weighted.kl).toBeCloseTo(0.25 * kl, 9);
    const off = await runOnce(layerGraph('train', { kind: 'sampling', beta: 0 }, 2), rows, 3);
    expect(off.kl).toBeUndefined();
  });

  it('outputs z = μ at prediction, with no random op in the graph', async () => {
    const onnx = layerGraph('infer', { kind: 'sampling', beta: 1 }, 2);
    const { z } = await runOnce(onnx, rows, 3);
    expect(Array.from(z)).toEqual(mu.flat());
    expect(Buffer.from(onnx).includes('RandomNormalLike')).toBe(false);
  });

  it('draws ε ~ N(0, 1): a fresh draw every step, the same sequence for the same seed', async () => {
    const n = 5000;
    const onnx = layerGraph('train', { kind: 'sampling', beta: 1 }, 1);
    const s = await session(onnx);
    const x = tensor(new Float64Array(2 * n), [n, 2]);
    const first = (await s.run({ x })).z.data as Float64Array;
    const second = (await s.run({ x })).z.data as Float64Array;
    await s.release();
    const mean = first.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(first.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
    expect(first.some((v, i) => v !== second[i])).toBe(true);
    const again = (await runOnce(onnx, new Float64Array(2 * n), n)).z;
    expect(Array.from(again)).toEqual(Array.from(first));
    const other = (await runOnce(layerGraph('train', { kind: 'sampling', beta: 1 }, 1, 4), new Float64Array(2 * n), n))
      .z;
    expect(other.some((v, i) => v !== first[i])).toBe(true);
  });

  it('gradients of reconstruction + KL match central differences (autoencoder and classifier heads)', async () => {
    const seq = (...layers: LayerSpec[]): ModelSpecValue => ({
      format: 'weft.model',
      nodes: layers.map((layer, i) => ({ id: `l${i + 1}`, layer, inputs: [i === 0 ? 'input' : `l${i}`] })),
      output: `l${layers.length}`,
    });
    const vae = seq(
      { kind: 'dense', units: 5, activation: 'tanh' },
      { kind: 'dense', units: 4 },
      { kind: 'sampling', beta: 0.7 },
      { kind: 'dense', units: 5, activation: 'relu' },
      { kind: 'dense', units: 'auto', activation: 'sigmoid' },
    );
    const x = noise(4 * 6, 21).map((v) => (v + 1) / 2);
    for (const loss of ['binary_cross_entropy', 'mse'] as const) {
      const res = await gradCheck(vae, {
        featureShape: [6],
        outputUnits: 6,
        loss,
        x,
        batch: 4,
        labels: [],
        cfg: { target: 'input' },
        freshSession: true,
      });
      expect(res.worst, `${loss}: ${res.dtype}, ${res.checked} coordinates, worst abs ${res.worstAbs}`).toBeLessThan(1);
    }
    const classifier = seq(
      { kind: 'dense', units: 4 },
      { kind: 'sampling', beta: 1 },
      { kind: 'dense', units: 'auto' },
    );
    const res = await gradCheck(classifier, {
      featureShape: [6],
      outputUnits: 3,
      loss: 'cross_entropy',
      x,
      batch: 4,
      labels: [0, 1, 2, 1],
      freshSession: true,
    });
    expect(res.worst, `${res.dtype}, ${res.checked} coordinates, worst abs ${res.worstAbs}`).toBeLessThan(1);
  });
});
