import { z } from 'zod';
import { defineLayer } from './defineLayer';
import { paddingMask } from './paddingMask';

/** Maximum over the time axis of a sequence: `[sequence, features]` → `[features]` (Keras GlobalMaxPooling1D). */
export const globalmaxpool1dNode = defineLayer({
  kind: 'globalmaxpool1d',
  title: 'GlobalMaxPool1D',
  doc: 'Maximum over the sequence axis: [sequence, features] → [features], e.g. after an Embedding or a recurrent layer with returnSequences.',
  spec: z.object({ kind: z.literal('globalmaxpool1d'), maskPadding: z.boolean().optional() }),
  params: z.object({
    maskPadding: z
      .boolean()
      .default(false)
      .describe(
        'Take the maximum over the real tokens only: skip the steps whose input token id is padding (0, from prep.tokenize); an all-padding row gives 0',
      ),
  }),
  toLayer: (p) => ({ kind: 'globalmaxpool1d', ...(p.maskPadding ? { maskPadding: true } : {}) }),
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
  emit: ({ ctx, x, layer }) => {
    const b = ctx.b;
    const max = (v: typeof x) =>
      b.op('ReduceMax', [v], [v.shape[0], v.shape[2]], { axes: { ints: [1] }, keepdims: { i: 0 } });
    if (!layer.maskPadding) return max(x);
    const m = paddingMask(ctx, x, 'layer.globalmaxpool1d');
    const real = b.opNoGrad('Greater', [m, b.constF(0.5)], m.shape, {}, 'bool');
    const pooled = max(b.op('Where', [real, x, b.constF(-3.0e38)], x.shape, {}, x.dtype));
    const count = b.opNoGrad('ReduceSum', [m, b.constI64([1])], ['batch', 1], { keepdims: { i: 0 } });
    const some = b.opNoGrad('Greater', [count, b.constF(0.5)], ['batch', 1], {}, 'bool');
    return b.op('Where', [some, pooled, b.constF(0)], pooled.shape, {}, pooled.dtype);
  },
});
