import type { SDim } from '../GraphBuilder';
import { countOf, expand, reshape } from '../ops';
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
