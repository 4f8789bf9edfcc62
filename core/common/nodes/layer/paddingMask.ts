import type { GraphBuilder, T } from '../../model/graph/GraphBuilder';
import type { EmitContext } from '../../model/layers/emitLayers';
import { cast, reshape } from '../../model/graph/ops';

/**
 * Where a sequence layer's time steps hold real tokens: 1 where the model input (token ids from
 * prep.tokenize, id 0 = padding) is non-zero, else 0, as float32 `[batch, sequence, 1]`. The input
 * must be the `[batch, sequence]` ids the sequence axis of `x` comes from (Embedding onwards).
 */
export function paddingMask(ctx: EmitContext, x: T, layer: string): T {
  const ids = ctx.input;
  const seq = x.shape[1];
  if (!ids || ids.shape.length !== 2 || ids.shape[1] !== seq)
    throw new Error(
      `${layer}: maskPadding needs the model input to be token ids [${String(seq)}] (from prep.tokenize) with the same length as this layer's sequence; ` +
        `the input is [${ids ? ids.shape.slice(1).join(', ') : '?'}]`,
    );
  const b: GraphBuilder = ctx.b;
  const real = b.opNoGrad('Greater', [ids, b.constF(0.5)], ids.shape, {}, 'bool');
  return reshape(b, cast(b, real, x.dtype === 'float64' ? 'float64' : 'float32'), ['batch', seq, 1]);
}
