import { z } from 'zod';
import { ModelShapeError } from '../../model/ir';
import { defineLayer } from './defineLayer';
import { dropout } from './layerOps';

export const dropoutNode = defineLayer({
  kind: 'dropout',
  title: 'Dropout',
  doc: 'During training, zeroes each value with probability `rate` and scales the rest by 1/(1 − rate); identity at prediction.',
  spec: z.object({ kind: z.literal('dropout'), rate: z.number() }),
  params: z.object({
    rate: z
      .number()
      .min(0)
      .max(0.95)
      .default(0.5)
      .describe('Fraction of inputs zeroed at random during training (scaled to keep the mean); none at inference'),
  }),
  toLayer: (p) => ({ kind: 'dropout', rate: p.rate }),
  infer: ({ id, layer, x }) => {
    if (!(layer.rate >= 0 && layer.rate < 1))
      throw new ModelShapeError(`Layer "${id}" (dropout): rate must be in [0, 1), got ${layer.rate}`, id);
    return { outShape: [...x], params: [], buffers: [] };
  },
  tfjs: { ops: ['Dropout'], convert: () => ({ layers: [] }) },
  emit: ({ ctx, layer, x, index }) => dropout(ctx, x, layer.rate, index),
});
