import { z } from 'zod';
import { add, reshape } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { activation, dropout, layerNorm, param } from './layerOps';
import { paddingMask } from './paddingMask';
import { attentionParams, rowsLinear, selfAttention, tokenRows } from './selfAttention';

/** Post-norm Transformer encoder block: attention + residual + LayerNorm, feed-forward (GELU) + residual + LayerNorm. */
export const transformerNode = defineLayer({
  kind: 'transformer',
  title: 'Transformer encoder',
  doc: 'Post-norm Transformer encoder block: self-attention + residual + LayerNorm, GELU feed-forward + residual + LayerNorm.',
  spec: z.object({
    kind: z.literal('transformer'),
    heads: z.number().int().min(1),
    ffDim: z.number().int().min(1),
    /** @default 0 */
    dropout: z.number().optional(),
    maskPadding: z.boolean().optional(),
  }),
  params: z.object({
    heads: z
      .number()
      .int()
      .min(1)
      .default(4)
      .describe('Attention heads; the model width must divide evenly among them'),
    ffDim: z.number().int().min(1).default(128).describe('Hidden units of the position-wise feed-forward block'),
    dropout: z
      .number()
      .min(0)
      .max(0.9)
      .default(0.1)
      .describe('Dropout on the attention and feed-forward outputs during training; 0 = none'),
    maskPadding: z
      .boolean()
      .default(false)
      .describe(
        'Attend only to real tokens: keys whose input token id is padding (0, from prep.tokenize) get no weight',
      ),
  }),
  toLayer: (p) => ({
    kind: 'transformer',
    heads: p.heads,
    ffDim: p.ffDim,
    dropout: p.dropout,
    ...(p.maskPadding ? { maskPadding: true } : {}),
  }),
  infer: ({ id, layer, x, fail }) => {
    if (x.length !== 2) fail('[sequence, features]');
    const d = x[1];
    const keyDim = d / layer.heads;
    if (!Number.isInteger(keyDim)) fail(`a feature size divisible by ${layer.heads} heads`);
    const f = layer.ffDim;
    return {
      outShape: [...x],
      params: [
        ...attentionParams(`${id}/attn`, d, layer.heads, keyDim),
        param(`${id}/ln1/gamma`, [d], 'ones'),
        param(`${id}/ln1/beta`, [d], 'zeros'),
        param(`${id}/ff1/kernel`, [d, f], 'glorot_uniform', d, f),
        param(`${id}/ff1/bias`, [f], 'zeros'),
        param(`${id}/ff2/kernel`, [f, d], 'glorot_uniform', f, d),
        param(`${id}/ff2/bias`, [d], 'zeros'),
        param(`${id}/ln2/gamma`, [d], 'ones'),
        param(`${id}/ln2/beta`, [d], 'zeros'),
      ],
      buffers: [],
    };
  },
  emit: ({ ctx, node, layer, x, index, p }) => {
    const b = ctx.b;
    const [s, d] = node.inShapes[0];
    const rows = tokenRows(b, x);
    const a = dropout(
      ctx,
      selfAttention(
        ctx,
        x,
        `${node.id}/attn`,
        layer.heads,
        d / layer.heads,
        layer.maskPadding ? paddingMask(ctx, x, 'layer.transformer') : undefined,
      ),
      layer.dropout ?? 0,
      index * 2,
    );
    const x1 = layerNorm(ctx, add(b, rows, a), p('ln1/gamma'), p('ln1/beta'), 1e-5);
    const hdn = activation(b, rowsLinear(b, x1, p('ff1/kernel'), p('ff1/bias')), 'gelu');
    const f = dropout(ctx, rowsLinear(b, hdn, p('ff2/kernel'), p('ff2/bias')), layer.dropout ?? 0, index * 2 + 1);
    return reshape(b, layerNorm(ctx, add(b, x1, f), p('ln2/gamma'), p('ln2/beta'), 1e-5), ['batch', s, d]);
  },
});
