import { mul, unary } from '../ops';
import type { Rule } from './Rule';
import { unbroadcast } from './Rule';

/** d(x + y) = (dy, dy), each summed over the axes it was broadcast along. */
export const addRule: Rule = ({ b, ins, dys }) => [
  unbroadcast(b, dys[0]!, ins[0].shape),
  unbroadcast(b, dys[0]!, ins[1].shape),
];

/** d(x − y) = (dy, −dy). */
export const subRule: Rule = ({ b, ins, dys }) => [
  unbroadcast(b, dys[0]!, ins[0].shape),
  unbroadcast(b, unary(b, 'Neg', dys[0]!), ins[1].shape),
];

/** d(x · y) = (dy · y, dy · x). */
export const mulRule: Rule = ({ b, ins, dys }) => [
  unbroadcast(b, mul(b, dys[0]!, ins[1]), ins[0].shape),
  unbroadcast(b, mul(b, dys[0]!, ins[0]), ins[1].shape),
];

/** z = x / y: dx = dy / y, dy_y = −(dy / y) · z. */
export const divRule: Rule = ({ b, ins, outs, dys }) => {
  const g = b.op('Div', [dys[0]!, ins[1]], outs[0].shape);
  return [unbroadcast(b, g, ins[0].shape), unbroadcast(b, unary(b, 'Neg', mul(b, g, outs[0])), ins[1].shape)];
};

/** d(−x) = −dy. */
export const negRule: Rule = ({ b, dys }) => [unary(b, 'Neg', dys[0]!)];
