import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';

export const embeddingLayerNode = defineLayerNode({
  kind: 'embedding',
  title: 'Embedding',
  doc: 'Looks up a learned vector per token id: [sequence] of ids (stored as numbers) → [sequence, dim].',
  params: z.object({ vocabSize: z.number().int().min(1).default(1000), dim: z.number().int().min(1).default(32) }),
  toLayer: (p) => ({ kind: 'embedding', vocabSize: p.vocabSize, dim: p.dim }),
});

const recurrentParams = z.object({
  units: z.number().int().min(1).max(4096).default(32),
  returnSequences: z
    .boolean()
    .default(false)
    .describe('Output every step [sequence, units] instead of the last state [units]'),
});

const recurrentNode = (kind: 'lstm' | 'gru', title: string, doc: string) =>
  defineLayerNode({
    kind,
    title,
    doc,
    params: recurrentParams,
    toLayer: (p) => ({ kind, units: p.units, returnSequences: p.returnSequences }),
  });

export const lstmLayerNode = recurrentNode(
  'lstm',
  'LSTM',
  'Long short-term memory over [sequence, features], unrolled over the fixed sequence length (Keras gate layout).',
);

export const gruLayerNode = recurrentNode(
  'gru',
  'GRU',
  'Gated recurrent unit over [sequence, features], unrolled over the fixed sequence length (Keras layout, reset_after=false as in TF.js).',
);

export const attentionLayerNode = defineLayerNode({
  kind: 'attention',
  title: 'Self-attention',
  doc: 'Multi-head scaled dot-product self-attention over [sequence, features] with query/key/value/output projections.',
  params: z.object({
    heads: z.number().int().min(1).default(4),
    keyDim: z.number().int().min(0).default(0).describe('0 = features / heads'),
  }),
  toLayer: (p) => ({ kind: 'attention', heads: p.heads, ...(p.keyDim ? { keyDim: p.keyDim } : {}) }),
});

export const transformerLayerNode = defineLayerNode({
  kind: 'transformer',
  title: 'Transformer encoder',
  doc: 'Post-norm Transformer encoder block: self-attention + residual + LayerNorm, GELU feed-forward + residual + LayerNorm.',
  params: z.object({
    heads: z.number().int().min(1).default(4),
    ffDim: z.number().int().min(1).default(128),
    dropout: z.number().min(0).max(0.9).default(0.1),
  }),
  toLayer: (p) => ({ kind: 'transformer', heads: p.heads, ffDim: p.ffDim, dropout: p.dropout }),
});
