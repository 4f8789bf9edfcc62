import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';

export const activationLayerNode = defineLayerNode({
  kind: 'activation',
  title: 'Activation',
  doc: 'Element-wise activation: ReLU, LeakyReLU (slope `alpha`), GELU, sigmoid, tanh, or softmax over the last axis.',
  params: z.object({
    fn: z.enum(['relu', 'leaky_relu', 'gelu', 'sigmoid', 'tanh', 'softmax']).default('relu'),
    alpha: z.number().min(0).max(1).default(0.01).describe('LeakyReLU slope for negative inputs'),
  }),
  toLayer: (p) => ({ kind: 'activation', fn: p.fn, alpha: p.alpha }),
});
