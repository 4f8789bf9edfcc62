import { z } from 'zod';
import { reduceMean } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';

export const globalavgpoolNode = defineLayer({
  kind: 'globalavgpool',
  title: 'GlobalAvgPool',
  doc: 'Average over all spatial positions: [channels, ...spatial] → [channels].',
  spec: z.object({ kind: z.literal('globalavgpool') }),
  params: z.object({}),
  toLayer: () => ({ kind: 'globalavgpool' }),
  infer: ({ x, fail }) => {
    if (x.length < 2) fail('[channels, ...spatial]');
    return { outShape: [x[0]], params: [], buffers: [] };
  },
  emit: ({ ctx, x }) => reduceMean(ctx.b, x, x.shape.map((_, i) => i).slice(2), false),
});
