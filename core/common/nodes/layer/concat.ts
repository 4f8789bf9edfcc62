import { z } from 'zod';
import { concat } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';

export const concatNode = defineLayer({
  kind: 'concat',
  title: 'Concat',
  doc: 'Concatenates two branches along a per-sample axis (-1 = last).',
  spec: z.object({
    kind: z.literal('concat'),
    /** Per-sample axis. @default -1 */
    axis: z.number().int().optional(),
  }),
  params: z.object({
    axis: z.number().int().default(-1).describe('Per-sample axis to join along; -1 = the last (features)'),
  }),
  binary: true,
  toLayer: (p) => ({ kind: 'concat', axis: p.axis }),
  infer: ({ layer, inShapes, x, fail }) => {
    const y = inShapes[1];
    const axis = layer.axis ?? -1;
    const a = axis < 0 ? axis + x.length : axis;
    if (!y || y.length !== x.length || a < 0 || a >= x.length || x.some((d, i) => i !== a && d !== y[i])) {
      fail(`two inputs equal on every axis but ${axis}`);
    }
    const out = [...x];
    out[a] = x[a] + y[a];
    return { outShape: out, params: [], buffers: [] };
  },
  emit: ({ ctx, layer, xs, x }) => {
    const axis = layer.axis ?? -1;
    return concat(ctx.b, xs, axis < 0 ? axis + x.shape.length : axis + 1);
  },
});
