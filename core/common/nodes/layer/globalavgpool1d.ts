import { z } from 'zod';
import { div, mul, reduceMean, reduceSum } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { paddingMask } from './paddingMask';

/** Mean over the time axis of a sequence: `[sequence, features]` → `[features]` (Keras GlobalAveragePooling1D). */
export const globalavgpool1dNode = defineLayer({
  kind: 'globalavgpool1d',
  title: 'GlobalAvgPool1D',
  doc: 'Average over the sequence axis: [sequence, features] → [features], e.g. after an Embedding or a recurrent layer with returnSequences.',
  spec: z.object({ kind: z.literal('globalavgpool1d'), maskPadding: z.boolean().optional() }),
  params: z.object({
    maskPadding: z
      .boolean()
      .default(false)
      .describe('Average only the real tokens: skip the steps whose input token id is padding (0, from prep.tokenize)'),
  }),
  toLayer: (p) => ({ kind: 'globalavgpool1d', ...(p.maskPadding ? { maskPadding: true } : {}) }),
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
  emit: ({ ctx, x, layer }) => {
    if (!layer.maskPadding) return reduceMean(ctx.b, x, [1], false);
    const b = ctx.b;
    const m = paddingMask(ctx, x, 'layer.globalavgpool1d');
    const count = b.opNoGrad('Max', [reduceSum(b, m, [1]), b.constF(1)], ['batch', 1]);
    return div(b, reduceSum(b, mul(b, x, m), [1]), count);
  },
});
