import type { T } from '../GraphBuilder';
import { convAttrs, convBiasGrad, convInputGradFromLeading, convWeightGrad } from '../rules/conv';
import { tiledKernel } from './maxPoolWindows';
import type { Rewrite, Step } from './Step';
import { producerOf, readers } from './Step';

/**
 * Conv read only by a pool that leaves a border unread (a floor-mode tiled MaxPool, possibly
 * through a fused ReLU): the conv's output gradient is zero on that border, so dx, dW and db are
 * computed from the smaller gradient of the rows and columns the pool read, never padding it.
 */
export const croppedPoolConv: Rewrite = (steps) => {
  const out = [...steps];
  const dropped = new Set<number>();
  steps.forEach((pool, at) => {
    const leading = pool.leadingGrad;
    if (!leading) return;
    const [c] = pool.ins;
    const ci = producerOf(steps, c);
    const cs = steps[ci];
    if (!cs || cs.node.opType !== 'Conv' || (cs.rewrite && !cs.weightGrad) || readers(steps, c) !== 1) return;
    const a = convAttrs(cs.node);
    const [x, w, bias] = cs.ins as [T, T, T | undefined];
    const y = pool.outs[0];
    const k = a.kernel.length;
    const pk = tiledKernel(pool.node)!;
    const inner = [(y.shape[2] as number) * pk[0], (y.shape[3] as number) * pk[1]];
    const reaches = inner.every((d, i) => a.strides[i] * (d - 1) + a.dil[i] * (a.kernel[i] - 1) + 1 - a.pads[i] > 0);
    if (k !== 2 || !reaches) return;
    const weightGrad = cs.weightGrad ?? ((b, dy) => convWeightGrad(b, a, x, dy));
    out[at] = {
      node: pool.node,
      ins: cs.ins,
      outs: pool.outs,
      rewrite: 'croppedPoolConv',
      backward: (b, dys) => {
        const g = leading(b, dys[0]!);
        return [convInputGradFromLeading(b, a, x, w, g), weightGrad(b, g), bias ? convBiasGrad(b, a, g) : undefined];
      },
    } satisfies Step;
    dropped.add(ci);
  });
  return out.filter((_, i) => !dropped.has(i));
};
