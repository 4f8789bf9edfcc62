import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';

export const flattenLayerNode = defineLayerNode({
  kind: 'flatten',
  title: 'Flatten',
  doc: 'Flattens each sample to one axis.',
  params: z.object({}),
  toLayer: () => ({ kind: 'flatten' }),
});

export const reshapeLayerNode = defineLayerNode({
  kind: 'reshape',
  title: 'Reshape',
  doc: 'Reshapes each sample, e.g. `1,28,28`; one entry may be -1. `image` turns [n] into a square [1, √n, √n] (or 3 channels).',
  params: z.object({ shape: z.string().default('image').describe('Comma-separated sizes, or `image`') }),
  toLayer: (p) => ({
    kind: 'reshape',
    shape: p.shape.trim() === 'image' ? 'image' : p.shape.split(',').map((s) => Number(s.trim())),
  }),
});
