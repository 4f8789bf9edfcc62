import type { SDim } from '../GraphBuilder';
import { compare, countOf, expand, reshape, where } from '../ops';
import type { Rule } from './Rule';
import { constInts, intsAttr } from './Rule';

function reduceRule(mean: boolean): Rule {
  return ({ b, node, ins, outs, dys }) => {
    const x = ins[0];
    const y = outs[0];
    let axes = node.opType === 'ReduceSum' ? constInts(b, ins[1]) : intsAttr(node, 'axes');
    axes = axes.map((a) => (a < 0 ? a + x.shape.length : a));
    const keep: SDim[] = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    let g = reshape(b, dys[0]!, keep);
    if (mean) g = b.op('Div', [g, b.op('Div', [countOf(b, x), countOf(b, y)], [])], keep);
    return [expand(b, g, x)];
  };
}

/** dx = dy broadcast back over the reduced axes. */
export const reduceSumRule = reduceRule(false);

/** dx = dy broadcast back over the reduced axes, divided by how many entries each mean read. */
export const reduceMeanRule = reduceRule(true);

/** ReduceMax over one fixed-size axis: dy goes to the first maximum along it (as PyTorch's max(dim)). */
export const reduceMaxRule: Rule = ({ b, node, ins, dys }) => {
  const x = ins[0];
  const axes = intsAttr(node, 'axes').map((a) => (a < 0 ? a + x.shape.length : a));
  const n = x.shape[axes[0]];
  if (axes.length !== 1 || typeof n !== 'number')
    throw new Error('autodiff: ReduceMax is differentiable over one fixed-size axis');
  const keep: SDim[] = x.shape.map((d, i) => (i === axes[0] ? 1 : d));
  const first = b.opNoGrad('ArgMax', [x], keep, { axis: { i: axes[0] }, keepdims: { i: 1 } }, 'int64');
  const positions = b.constI64(
    Array.from({ length: n }, (_, i) => i),
    x.shape.map((_, i) => (i === axes[0] ? n : 1)),
  );
  return [where(b, compare(b, 'Equal', positions, first), reshape(b, dys[0]!, keep), b.constF(0))];
};
