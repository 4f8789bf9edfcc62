import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';

export const dropoutLayerNode = defineLayerNode({
  kind: 'dropout',
  title: 'Dropout',
  doc: 'During training, zeroes each value with probability `rate` and scales the rest by 1/(1 − rate); identity at prediction.',
  params: z.object({ rate: z.number().min(0).max(0.95).default(0.5) }),
  toLayer: (p) => ({ kind: 'dropout', rate: p.rate }),
});

export const batchNormLayerNode = defineLayerNode({
  kind: 'batchnorm',
  title: 'BatchNorm',
  doc: 'Batch normalisation over the channel axis, with running statistics for prediction (Keras defaults).',
  params: z.object({
    momentum: z.number().min(0).max(0.9999).default(0.99),
    epsilon: z.number().positive().default(1e-3),
  }),
  toLayer: (p) => ({ kind: 'batchnorm', momentum: p.momentum, epsilon: p.epsilon }),
});

export const layerNormLayerNode = defineLayerNode({
  kind: 'layernorm',
  title: 'LayerNorm',
  doc: 'Layer normalisation over the last axis with a learned scale and shift.',
  params: z.object({ epsilon: z.number().positive().default(1e-5) }),
  toLayer: (p) => ({ kind: 'layernorm', epsilon: p.epsilon }),
});
