import { mul } from '../ops';
import type { Rule } from './Rule';
import { intsAttr } from './Rule';

/**
 * AveragePool (count_include_pad = 0): dy divided by how many real inputs each window averaged,
 * spread back over its window by a depthwise ConvTranspose with a kernel of ones.
 */
export const averagePoolRule: Rule = ({ b, node, ins, outs, dys }) => {
  const x = ins[0];
  const kernel = intsAttr(node, 'kernel_shape');
  const strides = intsAttr(node, 'strides');
  const pads = intsAttr(node, 'pads');
  const [H, W] = x.shape.slice(2) as [number, number];
  const [Ho, Wo] = outs[0].shape.slice(2) as [number, number];
  const C = x.shape[1] as number;
  const counts = new Array<number>(Ho * Wo);
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      const r0 = i * strides[0] - pads[0];
      const c0 = j * strides[1] - pads[1];
      const rows = Math.min(r0 + kernel[0], H) - Math.max(r0, 0);
      const cols = Math.min(c0 + kernel[1], W) - Math.max(c0, 0);
      counts[i * Wo + j] = 1 / (rows * cols);
    }
  }
  const scaled = mul(b, dys[0]!, b.constF(counts, [1, 1, Ho, Wo]));
  const ones = b.constF(new Array<number>(C * kernel[0] * kernel[1]).fill(1), [C, 1, kernel[0], kernel[1]]);
  const outPad = [H, W].map((h, i) => (h + pads[i] + pads[i + 2] - (kernel[i] - 1) - 1) % strides[i]);
  return [
    b.op('ConvTranspose', [scaled, ones], x.shape, {
      kernel_shape: { ints: kernel },
      strides: { ints: strides },
      pads: { ints: pads },
      group: { i: C },
      output_padding: { ints: outPad },
    }),
  ];
};
