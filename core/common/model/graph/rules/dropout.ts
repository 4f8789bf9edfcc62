import { scale, where } from '../ops';
import type { Rule } from './Rule';

/** Training-mode Dropout with ratio p: dx = dy / (1 − p) where the mask output kept the entry. */
export const dropoutRule: Rule = ({ b, ins, outs, dys }) => {
  const ratio = b.initializers.find((i) => i.name === ins[1].name)?.data[0];
  if (typeof ratio !== 'number') throw new Error('autodiff: Dropout needs a constant ratio');
  return [where(b, outs[1], scale(b, dys[0]!, 1 / (1 - ratio)), b.constF(0))];
};
