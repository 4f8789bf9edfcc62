import { compare, mul, scale, sub, unary, where } from '../ops';
import type { Rule } from './Rule';
import { floatAttr } from './Rule';

/** y = max(x, 0): dx = dy where y > 0 (the mask read from the output keeps Conv/Gemm+ReLU fusable). */
export const reluRule: Rule = ({ b, outs, dys }) => [
  where(b, compare(b, 'Greater', outs[0], b.constF(0)), dys[0]!, b.constF(0)),
];

/** dx = dy where x > 0, else α · dy. */
export const leakyReluRule: Rule = ({ b, node, ins, dys }) => [
  where(b, compare(b, 'Greater', ins[0], b.constF(0)), dys[0]!, scale(b, dys[0]!, floatAttr(node, 'alpha', 0.01))),
];

/** y = σ(x): dx = dy · y · (1 − y). */
export const sigmoidRule: Rule = ({ b, outs, dys }) => {
  const y = outs[0];
  return [mul(b, dys[0]!, mul(b, y, sub(b, b.constF(1), y)))];
};

/** y = tanh(x): dx = dy · (1 − y²). */
export const tanhRule: Rule = ({ b, outs, dys }) => {
  const y = outs[0];
  return [mul(b, dys[0]!, sub(b, b.constF(1), mul(b, y, y)))];
};

/** y = eˣ: dx = dy · y. */
export const expRule: Rule = ({ b, outs, dys }) => [mul(b, dys[0]!, outs[0])];

/** dx = dy / x. */
export const logRule: Rule = ({ b, ins, dys }) => [b.op('Div', [dys[0]!, ins[0]], ins[0].shape)];

/** y = √x: dx = dy / (2y). */
export const sqrtRule: Rule = ({ b, outs, dys }) => [b.op('Div', [scale(b, dys[0]!, 0.5), outs[0]], outs[0].shape)];

/** dx = dy · sign(x). */
export const absRule: Rule = ({ b, ins, dys }) => [mul(b, dys[0]!, b.opNoGrad('Sign', [ins[0]], ins[0].shape))];

/** d erf(x) = dy · 2/√π · e^(−x²). */
export const erfRule: Rule = ({ b, ins, dys }) => {
  const x = ins[0];
  const e = unary(b, 'Exp', unary(b, 'Neg', mul(b, x, x)));
  return [mul(b, dys[0]!, scale(b, e, 2 / Math.sqrt(Math.PI)))];
};
