import { z } from 'zod';
import { reshape } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { paddingMask } from './paddingMask';
import { attentionParams, selfAttention } from './selfAttention';

/** Multi-head self-attention over `[seq, dim]`, output `[seq, dim]`. */
export const attentionNode = defineLayer({
  kind: 'attention',
  title: 'Self-attention',
  doc: 'Multi-head scaled dot-product self-attention over [sequence, features] with query/key/value/output projections.',
  spec: z.object({
    kind: z.literal('attention'),
    heads: z.number().int().min(1),
    /** @default dim / heads */
    keyDim: z.number().int().min(1).optional(),
    maskPadding: z.boolean().optional(),
  }),
  params: z.object({
    heads: z
      .number()
      .int()
      .min(1)
      .default(4)
      .describe('Attention heads; the features must divide evenly among them unless keyDim is set'),
    keyDim: z.number().int().min(0).default(0).describe('0 = features / heads'),
    maskPadding: z
      .boolean()
      .default(false)
      .describe(
        'Attend only to real tokens: keys whose input token id is padding (0, from prep.tokenize) get no weight',
      ),
  }),
  toLayer: (p) => ({
    kind: 'attention',
    heads: p.heads,
    ...(p.keyDim ? { keyDim: p.keyDim } : {}),
    ...(p.maskPadding ? { maskPadding: true } : {}),
  }),
  infer: ({ id, layer, x, fail }) => {
    if (x.length !== 2) fail('[sequence, features]');
    const d = x[1];
    const keyDim = layer.keyDim ?? d / layer.heads;
    if (!Number.isInteger(keyDim)) fail(`a feature size divisible by ${layer.heads} heads`);
    return { outShape: [...x], params: attentionParams(id, d, layer.heads, keyDim), buffers: [] };
  },
  emit: ({ ctx, node, layer, x }) => {
    const d = node.inShapes[0][1];
    const mask = layer.maskPadding ? paddingMask(ctx, x, 'layer.attention') : undefined;
    const rows = selfAttention(ctx, x, node.id, layer.heads, layer.keyDim ?? d / layer.heads, mask);
    return reshape(ctx.b, rows, ['batch', node.inShapes[0][0], d]);
  },
});
