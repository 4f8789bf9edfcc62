import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';

export const addLayerNode = defineLayerNode({
  kind: 'add',
  title: 'Add',
  doc: 'Sums two branches of the same shape (residual connections).',
  params: z.object({}),
  binary: true,
  toLayer: () => ({ kind: 'add' }),
});

export const concatLayerNode = defineLayerNode({
  kind: 'concat',
  title: 'Concat',
  doc: 'Concatenates two branches along a per-sample axis (-1 = last).',
  params: z.object({ axis: z.number().int().default(-1) }),
  binary: true,
  toLayer: (p) => ({ kind: 'concat', axis: p.axis }),
});
