import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';
import { activationParam } from './layerParams';

export const denseLayerNode = defineLayerNode({
  kind: 'dense',
  title: 'Dense',
  doc: 'Fully connected layer on the last axis: y = activation(x·W + b). `auto` units = the number of classes or targets (for the output layer).',
  params: z.object({
    units: z.union([z.number().int().min(1).max(1_000_000), z.literal('auto')]).default(64),
    activation: activationParam,
    useBias: z.boolean().default(true),
  }),
  toLayer: (p) => ({ kind: 'dense', units: p.units, activation: p.activation, useBias: p.useBias }),
});
