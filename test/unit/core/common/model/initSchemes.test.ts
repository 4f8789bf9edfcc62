import { describe, expect, it } from 'vitest';
import { initParams } from '../../../../../core/common/model/initParams';
import { resolveSpec } from '../../../../../core/common/model/resolveSpec';
import { cnnParams, cnnSpec } from '../../../../../core/common/nodes/model/cnn';
import { mlpParams, mlpSpec } from '../../../../../core/common/nodes/model/mlp';
import { conv2dNode } from '../../../../../core/common/nodes/layer/conv2d';
import { denseNode } from '../../../../../core/common/nodes/layer/dense';
import { appendLayer, emptySpec } from '../../../../../core/common/model/specOps';

/**
 * Checks that `v` looks like n draws of U(−b, b): every value inside the bound, the largest near it,
 * mean and variance (b²/3) within 5 standard errors of a uniform sample's.
 */
function expectUniform(v: Float32Array, b: number): void {
  const n = v.length;
  let sum = 0;
  let max = 0;
  for (const x of v) {
    sum += x;
    max = Math.max(max, Math.abs(x));
  }
  const mean = sum / n;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  const variance = ss / n;
  expect(max).toBeLessThanOrEqual(b * (1 + 1e-6));
  expect(max).toBeGreaterThan(b * (1 - 20 / n));
  expect(Math.abs(mean)).toBeLessThan((5 * b) / Math.sqrt(3 * n));
  // Var of the sample variance of U(−b, b): (b⁴/5 − b⁴/9)/n = 4b⁴/(45n)
  expect(Math.abs(variance - (b * b) / 3)).toBeLessThan(5 * Math.sqrt((4 * b ** 4) / (45 * n)));
}

const byName = (names: string[], values: Float32Array[]) => new Map(names.map((n, i) => [n, values[i]]));

describe('init schemes of model.mlp and model.cnn (bounds from the schemes’ definitions)', () => {
  const mlp = (p: Record<string, unknown>) =>
    resolveSpec(mlpSpec(mlpParams.parse({ hidden: [300], ...p })), { featureShape: [200], outputUnits: 100 });

  it('keeps Glorot-uniform kernels and zero biases by default (and the spec unchanged)', () => {
    expect(mlpSpec(mlpParams.parse({})).init).toBeUndefined();
    const { names, values } = initParams(mlp({}), 3);
    const v = byName(names, values);
    expectUniform(v.get('mlp/dense1/kernel')!, Math.sqrt(6 / (200 + 300)));
    expectUniform(v.get('mlp/output/kernel')!, Math.sqrt(6 / (300 + 100)));
    expect(v.get('mlp/dense1/bias')!.every((x) => x === 0)).toBe(true);
  });

  it('he_uniform draws kernels from U(±√(6/fan_in))', () => {
    const { names, values } = initParams(mlp({ init: 'he_uniform' }), 3);
    const v = byName(names, values);
    expectUniform(v.get('mlp/dense1/kernel')!, Math.sqrt(6 / 200));
    expectUniform(v.get('mlp/output/kernel')!, Math.sqrt(6 / 300));
    expect(v.get('mlp/output/bias')!.every((x) => x === 0)).toBe(true);
  });

  it('pytorch_default with uniform bias is nn.Linear’s U(±1/√fan_in) for weights and biases', () => {
    const { names, values } = initParams(mlp({ init: 'pytorch_default', biasInit: 'uniform', hidden: [3000] }), 5);
    const v = byName(names, values);
    expectUniform(v.get('mlp/dense1/kernel')!, 1 / Math.sqrt(200));
    expectUniform(v.get('mlp/dense1/bias')!, 1 / Math.sqrt(200));
    expectUniform(v.get('mlp/output/kernel')!, 1 / Math.sqrt(3000));
    expectUniform(v.get('mlp/output/bias')!, 1 / Math.sqrt(3000));
  });

  it('model.cnn: nn.Conv2d’s bound uses fan_in = in_channels × kh × kw', () => {
    const spec = cnnSpec(cnnParams.parse({ filters: [64, 64], init: 'pytorch_default', biasInit: 'uniform' }));
    const resolved = resolveSpec(spec, { featureShape: [3, 16, 16], outputUnits: 10 });
    const { names, values } = initParams(resolved, 9);
    const v = byName(names, values);
    expectUniform(v.get('cnn/conv1/kernel')!, 1 / Math.sqrt(3 * 9));
    expectUniform(v.get('cnn/conv2/kernel')!, 1 / Math.sqrt(64 * 9));
    expect(v.get('cnn/conv2/bias')!.every((x) => Math.abs(x) <= 1 / Math.sqrt(64 * 9))).toBe(true);
    expect(new Set(v.get('cnn/conv2/bias')).size).toBe(64);
  });

  it('layer.dense and layer.conv2d take the same choice per layer', () => {
    const dense = denseNode.params.parse({ units: 500, init: 'he_uniform', biasInit: 'uniform' });
    const conv = conv2dNode.params.parse({ filters: 64, kernelSize: 3, init: 'pytorch_default', biasInit: 'uniform' });
    expect(denseNode.toLayer(denseNode.params.parse({ units: 5 }))).not.toHaveProperty('init');
    const spec = appendLayer(
      [appendLayer([appendLayer([emptySpec()], 'c1', conv2dNode.toLayer(conv))], 'f', { kind: 'flatten' })],
      'd1',
      denseNode.toLayer(dense),
    );
    const resolved = resolveSpec(spec, { featureShape: [8, 10, 10], outputUnits: 2 });
    const { names, values } = initParams(resolved, 1);
    const v = byName(names, values);
    expectUniform(v.get('c1/kernel')!, 1 / Math.sqrt(8 * 9));
    expect(v.get('c1/bias')!.every((x) => Math.abs(x) <= 1 / Math.sqrt(8 * 9))).toBe(true);
    const fanIn = 64 * 8 * 8;
    expectUniform(v.get('d1/kernel')!, Math.sqrt(6 / fanIn));
    expectUniform(v.get('d1/bias')!, 1 / Math.sqrt(fanIn));
  });
});
