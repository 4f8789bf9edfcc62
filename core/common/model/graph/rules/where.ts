import { where } from '../ops';
import type { Rule } from './Rule';
import { unbroadcast } from './Rule';

/** Where(c, x, y): x gets dy where c holds, y where it does not; c gets none. */
export const whereRule: Rule = ({ b, ins, dys }) => {
  const zero = b.constF(0);
  return [
    undefined,
    unbroadcast(b, where(b, ins[0], dys[0]!, zero), ins[1].shape),
    unbroadcast(b, where(b, ins[0], zero, dys[0]!), ins[2].shape),
  ];
};
