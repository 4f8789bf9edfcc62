import { mul, reduceSum, sub, unary } from '../ops';
import type { Rule } from './Rule';
import { intAttr } from './Rule';

/** y = softmax(x): dx = y · (dy − Σ dy · y) along the axis. */
export const softmaxRule: Rule = ({ b, node, outs, dys }) => {
  const y = outs[0];
  const s = reduceSum(b, mul(b, dys[0]!, y), [intAttr(node, 'axis', -1)], true);
  return [mul(b, y, sub(b, dys[0]!, s))];
};

/** y = log softmax(x): dx = dy − eʸ · Σ dy along the axis. */
export const logSoftmaxRule: Rule = ({ b, node, outs, dys }) => {
  const s = reduceSum(b, dys[0]!, [intAttr(node, 'axis', -1)], true);
  return [sub(b, dys[0]!, mul(b, unary(b, 'Exp', outs[0]), s))];
};
