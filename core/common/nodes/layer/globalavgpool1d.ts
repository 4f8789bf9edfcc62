import { z } from 'zod';
import { reduceMean } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';

/** Mean over the time axis of a sequence: `[sequence, features]` → `[features]` (Keras GlobalAveragePooling1D). */
export const globalavgpool1dNode = defineLayer({
  kind: 'globalavgpool1d',
  title: 'GlobalAvgPool1D',
  doc: 'Average over the sequence axis: [sequence, features] → [features], e.g. after an Embedding or a recurrent layer with returnSequences.',
  spec: z.object({ kind: z.literal('globalavgpool1d') }),
  params: z.object({}),
  toLayer: () => ({ kind: 'globalavgpool1d' }),
  infer: ({ x, fail }) => {
    if (x.length !== 2) fail('[sequence, features]');
    return { outShape: [x[1]], params: [], buffers: [] };
  },
  tfjs: {
    ops: ['ReduceMean'],
    convert: (n) =>
      n.ints('axes')?.join() === '1' && n.int('keepdims', 1) === 0
        ? { layers: [{ className: 'GlobalAveragePooling1D', config: {} }] }
        : undefined,
  },
  emit: ({ ctx, x }) => reduceMean(ctx.b, x, [1], false),
});
