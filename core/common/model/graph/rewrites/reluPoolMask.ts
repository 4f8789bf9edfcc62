import type { GraphBuilder, T } from '../GraphBuilder';
import { leavesBorder, padToInput, tiledKernel, windowMaxGrad } from './maxPoolWindows';
import type { Rewrite, Step } from './Step';
import { producerOf, readers } from './Step';

/**
 * Relu read only by a tiled MaxPool: each window's gradient lands on an input equal to its maximum,
 * so the ReLU's mask (input > 0) is "window maximum > 0", applied to the pooled-size gradient
 * inside the window routing; the full-size Where of the ReLU rule disappears.
 */
export const reluPoolMask: Rewrite = (steps) => {
  const out = [...steps];
  const dropped = new Set<number>();
  steps.forEach((pool, at) => {
    const k = pool.rewrite && pool.rewrite !== 'maxPoolWindows' ? undefined : tiledKernel(pool.node);
    if (!k) return;
    const [r] = pool.ins;
    const ri = producerOf(steps, r);
    const relu = steps[ri];
    if (!relu || relu.node.opType !== 'Relu' || relu.rewrite || readers(steps, r) !== 1) return;
    const [z] = relu.ins;
    const [y] = pool.outs;
    const grad = (b: GraphBuilder, dy: T): T => windowMaxGrad(b, r, y, dy, k, true);
    out[at] = {
      node: pool.node,
      ins: [z],
      outs: pool.outs,
      rewrite: 'reluPoolMask',
      backward: (b, dys) => [padToInput(b, grad(b, dys[0]!), r)],
      ...(leavesBorder(r, y, k) ? { leadingGrad: grad } : {}),
    } satisfies Step;
    dropped.add(ri);
  });
  return out.filter((_, i) => !dropped.has(i));
};
