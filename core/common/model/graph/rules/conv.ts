import type { NodeData } from '../../onnx/encodeModel';
import type { GraphBuilder, SDim, T } from '../GraphBuilder';
import { conv, reduceSum, slice, transpose } from '../ops';
import type { Rule } from './Rule';
import { intsAttr } from './Rule';

/** A Conv node's geometry, read from its attributes. */
export interface ConvAttrs {
  kernel: readonly number[];
  strides: readonly number[];
  dil: readonly number[];
  /** ONNX order: begins then ends. */
  pads: readonly number[];
}

export const convAttrs = (node: NodeData): ConvAttrs => ({
  kernel: intsAttr(node, 'kernel_shape'),
  strides: intsAttr(node, 'strides'),
  dil: intsAttr(node, 'dilations'),
  pads: intsAttr(node, 'pads'),
});

const swap01 = (r: number): number[] => [1, 0, 2, 3].slice(0, r + 2);

/** dx = ConvTranspose(dy, w), with output padding for the rows a strided conv never reached. */
export function convInputGrad(b: GraphBuilder, a: ConvAttrs, x: T, w: T, dy: T): T {
  const { kernel, strides, dil, pads } = a;
  const r = kernel.length;
  const outPad = (x.shape.slice(2) as number[]).map(
    (h, i) => (h + pads[i] + pads[i + r] - dil[i] * (kernel[i] - 1) - 1) % strides[i],
  );
  return b.op('ConvTranspose', [dy, w], x.shape, {
    kernel_shape: { ints: kernel },
    strides: { ints: strides },
    dilations: { ints: dil },
    pads: { ints: pads },
    output_padding: { ints: outPad },
  });
}

/** db = dy summed over the batch and spatial axes. */
export const convBiasGrad = (b: GraphBuilder, a: ConvAttrs, dy: T): T =>
  reduceSum(b, dy, [0, ...a.kernel.map((_, i) => i + 2)]);

/**
 * dW as a convolution of x (channels as batch) with dy (channels as filters): strides and
 * dilations swap roles. Rows of x the k × k result never reads (a strided conv's remainder, or a
 * `dy` smaller than the conv's output) are sliced off first rather than computed and cropped.
 */
export function convWeightGrad(b: GraphBuilder, a: ConvAttrs, x: T, dy: T): T {
  const { kernel, strides, dil, pads } = a;
  const r = kernel.length;
  const spatialIn = x.shape.slice(2) as number[];
  const used = kernel.map((k, i) => dil[i] * (k - 1) + strides[i] * ((dy.shape[i + 2] as number) - 1) + 1);
  const keep = used.map((u, i) => Math.min(spatialIn[i], u - pads[i]));
  const trickPads = [
    ...pads.slice(0, r),
    ...used.map((u, i) => Math.max(0, Math.min(pads[i + r], u - pads[i] - spatialIn[i]))),
  ];
  const canCrop = keep.every((k) => k > 0);
  const xUsed =
    canCrop && keep.some((k, i) => k < spatialIn[i])
      ? slice(
          b,
          x,
          keep.map(() => 0),
          keep,
          keep.map((_, i) => i + 2),
        )
      : x;
  const trick = conv(b, transpose(b, xUsed, swap01(r)), transpose(b, dy, swap01(r)), undefined, {
    kernel: dy.shape.slice(2) as number[],
    strides: dil,
    dilations: strides,
    pads: canCrop ? trickPads : pads,
  });
  const cropped = (trick.shape.slice(2) as number[]).some((d, i) => d !== kernel[i])
    ? slice(
        b,
        trick,
        kernel.map(() => 0),
        [...kernel],
        kernel.map((_, i) => i + 2),
      )
    : trick;
  return transpose(b, cropped, swap01(r));
}

/**
 * dx from a `dy` that covers only the leading outputs (the rest of the conv's output gradient is
 * zero): ConvTranspose gives the input rows those outputs read, zero-padded to x's size.
 */
export function convInputGradFromLeading(b: GraphBuilder, a: ConvAttrs, x: T, w: T, dy: T): T {
  const { kernel, strides, dil, pads } = a;
  const r = kernel.length;
  const endPads: number[] = [];
  const after: number[] = [];
  const shape: SDim[] = [x.shape[0], w.shape[1]];
  for (let i = 0; i < r; i++) {
    const kept = strides[i] * ((dy.shape[i + 2] as number) - 1) + dil[i] * (kernel[i] - 1) + 1 - pads[i];
    if (kept <= 0) throw new Error('autodiff: the leading conv outputs read no input row past the padding');
    const H = x.shape[i + 2] as number;
    endPads.push(Math.max(0, kept - H));
    after.push(Math.max(0, H - kept));
    shape.push(Math.min(H, kept));
  }
  const dx = b.op('ConvTranspose', [dy, w], shape, {
    kernel_shape: { ints: kernel },
    strides: { ints: strides },
    dilations: { ints: dil },
    pads: { ints: [...pads.slice(0, r), ...endPads] },
  });
  if (after.every((v) => v === 0)) return dx;
  return b.op('Pad', [dx, b.constI64([0, 0, ...after.map(() => 0), 0, 0, ...after])], x.shape);
}

/** Conv(x, w, b?): dx by ConvTranspose, dW by a convolution of x with dy, db by a sum. */
export const convRule: Rule = ({ b, node, ins, dys }) => {
  const [x, w, bias] = ins as [T, T, T | undefined];
  const a = convAttrs(node);
  const dy = dys[0]!;
  return [convInputGrad(b, a, x, w, dy), convWeightGrad(b, a, x, dy), bias ? convBiasGrad(b, a, dy) : undefined];
};
