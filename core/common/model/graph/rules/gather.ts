import type { T } from '../GraphBuilder';
import { reshape } from '../ops';
import type { Rule } from './Rule';
import { intAttr } from './Rule';

/** Gather along axis 0 of a fixed table (embeddings): dy rows scatter-added to their indices. */
export const gatherRule: Rule = ({ b, node, ins, dys }) => {
  const [table, idx] = ins as [T, T];
  if (intAttr(node, 'axis', 0) !== 0 || table.shape.some((d) => d === 'batch')) {
    throw new Error('autodiff: Gather is differentiable only along axis 0 of a fixed-size table');
  }
  const flatIdx = reshape(b, idx, ['batch', 1]);
  const upd = reshape(b, dys[0]!, ['batch', ...table.shape.slice(1)]);
  const zeros = b.constF(
    new Array<number>(table.shape.reduce<number>((p, d) => p * (d as number), 1)).fill(0),
    table.shape as number[],
  );
  return [b.op('ScatterND', [zeros, flatIdx, upd], table.shape, { reduction: { s: 'add' } }), undefined];
};
