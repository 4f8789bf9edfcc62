import { describe, expect, it } from 'vitest';
import { gradients } from '../../../../../core/common/model/graph/autodiff';
import { GraphBuilder } from '../../../../../core/common/model/graph/GraphBuilder';
import { mul, pool, reduceSum } from '../../../../../core/common/model/graph/ops';
import type { RewriteOptions } from '../../../../../core/common/model/graph/rewrites/rewrites';
import { noRewrites } from '../../../../../core/common/model/graph/rewrites/rewrites';
import { session, tensor } from './ortHelpers';

/**
 * The MaxPool gradient routes each window's gradient to its FIRST maximum in row-major order
 * (PyTorch's max_pool2d backward), also when values tie, and gives the rows and columns a
 * floor-mode pool never reads zero gradient. Expected values are worked out by hand.
 */
async function poolGrad(
  x: number[],
  dims: [number, number, number, number],
  k: [number, number],
  dyVals: number[],
  rewrites: RewriteOptions,
): Promise<number[]> {
  const b = new GraphBuilder('float32');
  const xin = b.input('x', dims);
  b.needsGrad.add(xin.name);
  const y = pool(b, 'MaxPool', xin, { kernel: k, strides: k, dilations: [1, 1], pads: [0, 0, 0, 0] });
  const w = b.constF(dyVals, y.shape as number[]);
  const loss = reduceSum(b, mul(b, y, w), [0, 1, 2, 3]);
  const [dx] = gradients(b, loss, [xin], rewrites);
  b.output(dx, 'dx');
  const s = await session(b.encode());
  try {
    const out = await s.run({ x: tensor(Float32Array.from(x), dims) });
    return Array.from(out.dx.data as Float32Array);
  } finally {
    await s.release();
  }
}

describe.each([
  ['window routing (maxPoolWindows rewrite)', {}],
  ['plain rule (MaxPool Indices + scatter)', noRewrites],
] as const)('MaxPool gradient, non-overlapping windows: %s', (_, rewrites) => {
  it('gives tied maxima to the first one in the window only', async () => {
    // 4×4 → 2×2 windows: all tied; tie on the second row; single max last; tie of the last two.
    const x = [
      [1, 1, 0, 5],
      [1, 1, 2, 5],
      [3, 0, 7, 7],
      [4, 9, 0, 7],
    ].flat();
    const dx = await poolGrad(x, [1, 1, 4, 4], [2, 2], [10, 20, 30, 40], rewrites);
    expect(dx).toEqual(
      [
        [10, 0, 0, 20],
        [0, 0, 0, 0],
        [0, 0, 40, 0],
        [0, 30, 0, 0],
      ].flat(),
    );
  });

  it('zeroes the cropped border (5×5 → 2×2) and handles 2×1 windows', async () => {
    const x = [
      [0, 2, 2, 0, 9],
      [2, 0, 1, 1, 9],
      [6, 6, 6, 6, 9],
      [6, 6, 8, 6, 9],
      [9, 9, 9, 9, 9],
    ].flat();
    expect(await poolGrad(x, [1, 1, 5, 5], [2, 2], [1, 2, 3, 4], rewrites)).toEqual(
      [
        [0, 1, 2, 0, 0],
        [0, 0, 0, 0, 0],
        [3, 0, 0, 0, 0],
        [0, 0, 4, 0, 0],
        [0, 0, 0, 0, 0],
      ].flat(),
    );
    // 2×1 windows over 5 rows × 2 columns of 2 channels: rows 0–3 pooled in pairs, row 4 cropped.
    const x2 = [3, 1, 3, 2, 0, 5, 1, 5, 7, 7, 1, 1, 1, 1, 2, 2, 2, 0, 8, 8];
    const dx2 = await poolGrad(x2, [1, 2, 5, 2], [2, 1], [1, 2, 3, 4, 5, 6, 7, 8], rewrites);
    expect(dx2).toEqual([1, 0, 0, 2, 0, 4, 3, 0, 0, 0, 5, 6, 0, 0, 7, 8, 0, 0, 0, 0]);
  });
});
