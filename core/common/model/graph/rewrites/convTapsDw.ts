import type { GraphBuilder, T } from '../GraphBuilder';
import { concat, reshape, slice, transpose } from '../ops';
import type { ConvAttrs } from '../rules/conv';
import { convAttrs, convBiasGrad, convInputGrad } from '../rules/conv';
import type { Rewrite, Step } from './Step';

/** Largest C·kh·kw for which dW is always taken from shifted views of x (first layers on images). */
const MAX_TAPS = 32;
/**
 * Above MAX_TAPS, the shifted views are still used while their matrix holds at most this many
 * floats per sample (C·kh·kw·Ho·Wo: 256 KB a sample, 32 MB at batch 128). Measured on the bench
 * CNN, whose second layer has 16 channels × 3×3 taps × 11×11 positions = 17,424 a sample (one
 * thread, onnxruntime-node 1.30, steps of both graphs alternated in one process on a loaded host):
 * the step ran 1.065× as fast (paired median; best 16.3 → 15.0 ms) at batch 128, 1.125× on a
 * 64-row data-parallel slice, and 1.079× with 32 and 64 filters (288 taps, 34,848 a sample).
 */
const MAX_VIEW_FLOATS_PER_SAMPLE = 65_536;

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
 * Conv with few input taps (stride 1, no padding, C·kh·kw ≤ 32, e.g. a first layer on images, or
 * more taps over few output positions, C·kh·kw·Ho·Wo ≤ 65,536): dW from shifted views of x in one
 * Gemm, where the dW convolution would run one im2col over the whole of dy as its kernel.
 */
export const convTapsDw: Rewrite = (steps) =>
  steps.map((s): Step => {
    if (s.rewrite || s.node.opType !== 'Conv') return s;
    const a = convAttrs(s.node);
    const [x, w, bias] = s.ins as [T, T, T | undefined];
    const taps = (x.shape[1] as number) * a.kernel.reduce((p, k) => p * k, 1);
    const positions = s.outs[0].shape.slice(2).reduce<number>((p, d) => p * (typeof d === 'number' ? d : Infinity), 1);
    const few = taps <= MAX_TAPS || taps * positions <= MAX_VIEW_FLOATS_PER_SAMPLE;
    if (a.kernel.length !== 2 || a.strides.some((v) => v !== 1) || a.pads.some((p) => p !== 0) || !few) {
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
