import { z } from 'zod';
import { add } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { fmt } from './layerOps';

export const addNode = defineLayer({
  kind: 'add',
  title: 'Add',
  doc: 'Sums two branches of the same shape (residual connections).',
  spec: z.object({ kind: z.literal('add') }),
  params: z.object({}),
  binary: true,
  toLayer: () => ({ kind: 'add' }),
  infer: ({ inShapes, x, fail }) => {
    const y = inShapes[1];
    if (!y || fmt(x) !== fmt(y)) fail('two inputs of the same shape');
    return { outShape: [...x], params: [], buffers: [] };
  },
  emit: ({ ctx, xs }) => add(ctx.b, xs[0], xs[1]),
});
