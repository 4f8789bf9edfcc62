import { describe, expect, it } from 'vitest';
import { cnnParams } from '../../../../../../core/common/nodes/model/cnn';
import { describeModelSize, hiddenWeights, MAX_HIDDEN_WEIGHTS } from '../../../../../../core/common/nodes/model/limits';
import { mlpParams } from '../../../../../../core/common/nodes/model/mlp';

describe('model size limits', () => {
  it('counts weights and biases between hidden layers as a dense stack has them', () => {
    expect(hiddenWeights([128, 64])).toBe(128 * 64 + 64);
    expect(hiddenWeights([10, 20, 30])).toBe(10 * 20 + 20 + 20 * 30 + 30);
    expect(hiddenWeights([7])).toBe(0);
  });

  it('shows the count and the training memory (weights, gradients, two Adam moments as float32)', () => {
    expect(describeModelSize('model.mlp', { hidden: [1024, 1024] })).toMatch(
      /^1,049,600 weights between hidden layers .* about 16\.0 MiB while training/,
    );
    expect(describeModelSize('model.cnn', { filters: [16, 32], kernelSize: 3, dense: [] })).toMatch(/^4,640 weights/);
    expect(describeModelSize('data.csv', {})).toBeUndefined();
  });

  it('refuses 200,000 hidden layers and layers past the weight ceiling, and keeps the defaults valid', () => {
    const t0 = performance.now();
    expect(mlpParams.safeParse({ hidden: Array(200_000).fill(4) }).success).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
    const side = Math.ceil(Math.sqrt(MAX_HIDDEN_WEIGHTS));
    expect(mlpParams.safeParse({ hidden: [side, side] }).success).toBe(false);
    expect(mlpParams.safeParse({ hidden: [side - 1000, side - 1000] }).success).toBe(true);
    expect(cnnParams.safeParse({ dense: Array(257).fill(8) }).success).toBe(false);
    expect(mlpParams.parse({}).hidden).toEqual([128, 64]);
  });
});
