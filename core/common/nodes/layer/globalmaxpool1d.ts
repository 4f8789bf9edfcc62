import { z } from 'zod';
import { defineLayer } from './defineLayer';

/** Maximum over the time axis of a sequence: `[sequence, features]` → `[features]` (Keras GlobalMaxPooling1D). */
export const globalmaxpool1dNode = defineLayer({
  kind: 'globalmaxpool1d',
  title: 'GlobalMaxPool1D',
  doc: 'Maximum over the sequence axis: [sequence, features] → [features], e.g. after an Embedding or a recurrent layer with returnSequences.',
  spec: z.object({ kind: z.literal('globalmaxpool1d') }),
  params: z.object({}),
  toLayer: () => ({ kind: 'globalmaxpool1d' }),
  infer: ({ x, fail }) => {
    if (x.length !== 2) fail('[sequence, features]');
    return { outShape: [x[1]], params: [], buffers: [] };
  },
  tfjs: {
    ops: ['ReduceMax'],
    convert: (n) =>
      n.ints('axes')?.join() === '1' && n.int('keepdims', 1) === 0
        ? { layers: [{ className: 'GlobalMaxPooling1D', config: {} }] }
        : undefined,
  },
  emit: ({ ctx, x }) =>
    ctx.b.op('ReduceMax', [x], [x.shape[0], x.shape[2]], { axes: { ints: [1] }, keepdims: { i: 0 } }),
});
