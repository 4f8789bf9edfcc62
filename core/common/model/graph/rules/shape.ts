import { concat, reshape, slice, transpose } from '../ops';
import type { Rule } from './Rule';
import { constInts, intAttr, intsAttr, unbroadcast, zerosLike } from './Rule';

/** dx = dy transposed by the inverse permutation. */
export const transposeRule: Rule = ({ b, node, dys }) => {
  const perm = intsAttr(node, 'perm');
  return [
    transpose(
      b,
      dys[0]!,
      perm.map((_, i) => perm.indexOf(i)),
    ),
  ];
};

/** dx = dy reshaped back; the shape input gets none. */
export const reshapeRule: Rule = ({ b, ins, dys }) => [reshape(b, dys[0]!, ins[0].shape)];

/** dx = dy summed over the broadcast axes. */
export const expandRule: Rule = ({ b, ins, dys }) => [unbroadcast(b, dys[0]!, ins[0].shape)];

/** Each input gets its own slice of dy along the axis. */
export const concatRule: Rule = ({ b, node, ins, dys }) => {
  const axis = intAttr(node, 'axis', 0);
  let at = 0;
  return ins.map((x) => {
    const d = x.shape[axis] as number;
    const part = slice(b, dys[0]!, [at], [at + d], [axis]);
    at += d;
    return part;
  });
};

/** dx = the outputs' gradients concatenated, zeros for outputs no gradient reached. */
export const splitRule: Rule = ({ b, node, outs, dys }) => [
  concat(
    b,
    outs.map((o, i) => dys[i] ?? zerosLike(b, o)),
    intAttr(node, 'axis', 0),
  ),
];

/** dx = dy zero-padded back to x's shape (unit steps, constant starts and axes). */
export const sliceRule: Rule = ({ b, ins, dys }) => {
  const x = ins[0];
  const starts = constInts(b, ins[1]);
  const axes = constInts(b, ins[3]);
  const dy = dys[0]!;
  const r = x.shape.length;
  const pads = new Array<number>(r * 2).fill(0);
  axes.forEach((ax, k) => {
    const a = ax < 0 ? ax + r : ax;
    pads[a] = starts[k];
    pads[a + r] = (x.shape[a] as number) - starts[k] - (dy.shape[a] as number);
  });
  return [b.op('Pad', [dy, b.constI64(pads)], x.shape)];
};
