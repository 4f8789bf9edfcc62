import { z } from 'zod';
import { defineLayer } from './defineLayer';
import { layerNorm, param } from './layerOps';

/** Normalises over the last axis. */
export const layernormNode = defineLayer({
  kind: 'layernorm',
  title: 'LayerNorm',
  doc: 'Layer normalisation over the last axis with a learned scale and shift.',
  spec: z.object({
    kind: z.literal('layernorm'),
    /** @default 1e-5 */
    epsilon: z.number().optional(),
  }),
  params: z.object({
    epsilon: z
      .number()
      .positive()
      .default(1e-5)
      .describe('Added to the variance before the square root, for stability'),
  }),
  toLayer: (p) => ({ kind: 'layernorm', epsilon: p.epsilon }),
  infer: ({ id, x }) => {
    const d = x[x.length - 1];
    return {
      outShape: [...x],
      params: [param(`${id}/gamma`, [d], 'ones'), param(`${id}/beta`, [d], 'zeros')],
      buffers: [],
    };
  },
  emit: ({ ctx, layer, x, p }) => layerNorm(ctx, x, p('gamma'), p('beta'), layer.epsilon ?? 1e-5),
});
