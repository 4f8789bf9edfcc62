import type { GraphBuilder, T } from '../../model/graph/GraphBuilder';
import { add, matmul, reshape, scale, softmax, transpose } from '../../model/graph/ops';
import type { ParamSpec } from '../../model/ir';
import type { EmitContext } from '../../model/layers/emitLayers';
import { param } from './layerOps';

/** Parameters of a multi-head self-attention block over `[seq, d]`. */
export function attentionParams(id: string, d: number, heads: number, keyDim: number): ParamSpec[] {
  const hk = heads * keyDim;
  return [
    param(`${id}/query`, [d, hk], 'glorot_uniform', d, hk),
    param(`${id}/query_bias`, [hk], 'zeros'),
    param(`${id}/key`, [d, hk], 'glorot_uniform', d, hk),
    param(`${id}/key_bias`, [hk], 'zeros'),
    param(`${id}/value`, [d, hk], 'glorot_uniform', d, hk),
    param(`${id}/value_bias`, [hk], 'zeros'),
    param(`${id}/out`, [hk, d], 'glorot_uniform', hk, d),
    param(`${id}/out_bias`, [d], 'zeros'),
  ];
}

/**
 * `x` `[rows, in]` · `w` + `bias`: on 2-d rows onnxruntime fuses the product and the bias into one
 * Gemm, which it does not do for `[batch, seq, in]`.
 */
export const rowsLinear = (b: GraphBuilder, x: T, w: T, bias: T): T => add(b, matmul(b, x, w), bias);

/** `[batch, seq, d]` as token rows `[batch·seq, d]`. */
export const tokenRows = (b: GraphBuilder, x: T): T => reshape(b, x, ['batch', x.shape[2]]);

/**
 * Multi-head scaled dot-product self-attention over `x` `[batch, seq, d]` with the parameters under
 * `prefix`. With `keyMask` (`[batch, seq, 1]`, 1 = a real token, from `paddingMask`) no query
 * attends to a padding key. Returns token rows `[batch·seq, d]` (see `tokenRows`).
 */
export function selfAttention(ctx: EmitContext, x: T, prefix: string, heads: number, keyDim: number, keyMask?: T): T {
  const b = ctx.b;
  const s = x.shape[1] as number;
  const rows = tokenRows(b, x);
  const proj = (role: string): T => {
    const y = rowsLinear(b, rows, ctx.param(`${prefix}/${role}`), ctx.param(`${prefix}/${role}_bias`));
    return transpose(b, reshape(b, y, ['batch', s, heads, keyDim]), [0, 2, 1, 3]);
  };
  const q = proj('query');
  const k = proj('key');
  const v = proj('value');
  let scores = scale(b, matmul(b, q, transpose(b, k, [0, 1, 3, 2])), 1 / Math.sqrt(keyDim));
  if (keyMask) {
    const keys = b.opNoGrad('Reshape', [keyMask, b.constI64([-1, 1, 1, s])], ['batch', 1, 1, s]);
    const bias = b.opNoGrad('Mul', [b.opNoGrad('Sub', [keys, b.constF(1)], keys.shape), b.constF(1e9)], keys.shape);
    scores = add(b, scores, bias);
  }
  const att = softmax(b, scores, -1);
  const ctxv = reshape(b, transpose(b, matmul(b, att, v), [0, 2, 1, 3]), ['batch', heads * keyDim]);
  return rowsLinear(b, ctxv, ctx.param(`${prefix}/out`), ctx.param(`${prefix}/out_bias`));
}
