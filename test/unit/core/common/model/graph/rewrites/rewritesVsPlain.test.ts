import { describe, expect, it } from 'vitest';
import type { ModelSpecValue, RewriteOptions } from '../../../../../../../core/common/model';
import {
  buildTrainingGraph,
  initParams,
  noRewrites,
  packParams,
  resolveSpec,
} from '../../../../../../../core/common/model';
import { decodeModel } from '../../../../../../../core/common/model/onnx/decodeModel';
import { noise } from '../../gradCheck';
import { session, tensor } from '../../ortHelpers';

/**
 * conv3×3 (1 channel: shifted-view dW) → ReLU → pool 2 dropping a row (9×10 → 4×5), conv2×2 →
 * ReLU → pool 2 dropping a row (3×4 → 1×2), dense: every rewrite applies somewhere.
 */
const spec: ModelSpecValue = {
  format: 'weft.model',
  output: 'out',
  nodes: [
    { id: 'c1', layer: { kind: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' }, inputs: ['input'] },
    { id: 'p1', layer: { kind: 'maxpool2d', poolSize: 2 }, inputs: ['c1'] },
    { id: 'c2', layer: { kind: 'conv2d', filters: 3, kernelSize: 2, activation: 'relu' }, inputs: ['p1'] },
    { id: 'p2', layer: { kind: 'maxpool2d', poolSize: 2 }, inputs: ['c2'] },
    { id: 'f', layer: { kind: 'flatten' }, inputs: ['p2'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto' }, inputs: ['f'] },
  ],
};
const featureShape = [1, 11, 12];
const batch = 6;

async function stepGradients(rewrites: RewriteOptions): Promise<{ grads: Float32Array; ops: string[] }> {
  const r = resolveSpec(spec, { featureShape, outputUnits: 3 });
  const g = buildTrainingGraph(r, {
    loss: 'cross_entropy',
    optimizer: { kind: 'sgd' },
    outputGradients: true,
    rewrites,
  });
  const params = packParams(initParams(r, 4).values);
  const s = await session(g.onnx);
  try {
    const out = await s.run({
      input: tensor(Float32Array.from(noise(batch * 132, 9)), [batch, ...featureShape]),
      labels: tensor(
        Int32Array.from({ length: batch }, (_, i) => i % 3),
        [batch],
      ),
      params: tensor(Float32Array.from(params), [params.length]),
      lr: tensor(Float32Array.of(0), []),
    });
    return { grads: out.grads.data as Float32Array, ops: decodeModel(g.onnx).graph.nodes.map((n) => n.opType) };
  } finally {
    await s.release();
  }
}

describe('training step with every rewrite on vs the plain rules', () => {
  it('gives the same gradients on the same batch, from different graphs', async () => {
    const on = await stepGradients({});
    const plain = await stepGradients(noRewrites);
    expect(plain.ops.filter((o) => o === 'ScatterElements')).toHaveLength(2);
    expect(on.ops).not.toContain('ScatterElements');
    expect(on.grads.length).toBe(plain.grads.length);
    const scale = Math.max(...Array.from(plain.grads, Math.abs));
    expect(scale).toBeGreaterThan(1e-3);
    const worst = Math.max(...Array.from(on.grads, (v, i) => Math.abs(v - plain.grads[i])));
    expect(worst / scale).toBeLessThan(1e-5);
  });
});
