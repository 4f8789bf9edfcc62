import { reshape } from '../ops';
import type { Rule } from './Rule';
import { zerosLike } from './Rule';

/**
 * Any MaxPool: each window's gradient is scatter-added at its maximum, read from MaxPool's
 * Indices output (flat over the whole tensor), so overlapping windows accumulate.
 */
export const maxPoolRule: Rule = ({ b, node, ins, outs, dys }) => {
  const x = ins[0];
  const y = outs[0];
  const [, idx] = b.opN('MaxPool', [x], [y.shape, y.shape], node.attrs, [x.dtype, 'int64']);
  const scattered = b.op(
    'ScatterElements',
    [reshape(b, zerosLike(b, x), ['batch']), reshape(b, idx, ['batch']), reshape(b, dys[0]!, ['batch'])],
    ['batch'],
    { axis: { i: 0 }, reduction: { s: 'add' } },
  );
  return [reshape(b, scattered, x.shape)];
};
