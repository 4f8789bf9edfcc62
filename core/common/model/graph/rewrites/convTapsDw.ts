import type { GraphBuilder, T } from '../GraphBuilder';
import { concat, reshape, slice, transpose } from '../ops';
import type { ConvAttrs } from '../rules/conv';
import { convAttrs, convBiasGrad, convInputGrad } from '../rules/conv';
import type { Rewrite, Step } from './Step';

/** Largest C·kh·kw for which dW is taken from shifted views of x. */
const MAX_TAPS = 32;

/**
 * dW of a stride-1, unpadded 2-d Conv as the kh·kw shifted views of x, laid out
 * [C·kh·kw, N·Ho·Wo], times dy as [O, N·Ho·Wo] in one long Gemm.
 */
function shiftedViewsWeightGrad(b: GraphBuilder, a: ConvAttrs, x: T, dy: T): T {
  const { kernel, dil } = a;
  const [O, Ho, Wo] = [dy.shape[1], dy.shape[2], dy.shape[3]] as number[];
  const C = x.shape[1] as number;
  const xt = transpose(b, x, [1, 0, 2, 3]);
  const taps: T[] = [];
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      const v = slice(b, xt, [i * dil[0], j * dil[1]], [i * dil[0] + Ho, j * dil[1] + Wo], [2, 3]);
      taps.push(reshape(b, v, [C, 1, 'batch']));
    }
  }
  const cols = reshape(b, concat(b, taps, 1), [C * kernel[0] * kernel[1], 'batch']);
  const dy2 = reshape(b, transpose(b, dy, [1, 0, 2, 3]), [O, 'batch']);
  const g = b.op('Gemm', [dy2, cols], [O, C * kernel[0] * kernel[1]], { transB: { i: 1 } });
  return reshape(b, g, [O, C, kernel[0], kernel[1]]);
}

/**
 * Conv with few input taps (stride 1, no padding, C·kh·kw ≤ 32, e.g. a first layer on images):
 * dW from shifted views of x in one Gemm, where the dW convolution would run one im2col over the
 * whole of dy as its kernel.
 */
export const convTapsDw: Rewrite = (steps) =>
  steps.map((s): Step => {
    if (s.rewrite || s.node.opType !== 'Conv') return s;
    const a = convAttrs(s.node);
    const [x, w, bias] = s.ins as [T, T, T | undefined];
    const taps = (x.shape[1] as number) * a.kernel.reduce((p, k) => p * k, 1);
    if (a.kernel.length !== 2 || a.strides.some((v) => v !== 1) || a.pads.some((p) => p !== 0) || taps > MAX_TAPS) {
      return s;
    }
    const weightGrad = (b: GraphBuilder, dy: T): T => shiftedViewsWeightGrad(b, a, x, dy);
    return {
      ...s,
      rewrite: 'convTapsDw',
      weightGrad,
      backward: (b, dys) => [
        convInputGrad(b, a, x, w, dys[0]!),
        weightGrad(b, dys[0]!),
        bias ? convBiasGrad(b, a, dys[0]!) : undefined,
      ],
    };
  });
