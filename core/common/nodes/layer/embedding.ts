import { z } from 'zod';
import type { T } from '../../model/graph/GraphBuilder';
import { cast, gather } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { param } from './layerOps';

/** Token ids `[batch, seq]` (int64) looked up in an embedding `table` `[vocab, dim]`. */
export interface Lookup {
  table: T;
  ids: T;
}

const lookups = new WeakMap<T, Lookup>();

/**
 * The table and ids an Embedding's output was gathered from, for a layer that can work on the
 * distinct ids instead of every row (the fused LSTM/GRU's input product); undefined for any other tensor.
 */
export const lookupOf = (x: T): Lookup | undefined => lookups.get(x);

/** Input: integer token ids stored as floats, `[seq]`; output `[seq, dim]`. */
export const embeddingNode = defineLayer({
  kind: 'embedding',
  title: 'Embedding',
  doc: 'Looks up a learned vector per token id: [sequence] of ids (stored as numbers) → [sequence, dim].',
  spec: z.object({ kind: z.literal('embedding'), vocabSize: z.number().int().min(1), dim: z.number().int().min(1) }),
  params: z.object({
    vocabSize: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe('Number of token ids (inputs must be in 0 … vocabSize − 1)'),
    dim: z.number().int().min(1).default(32).describe('Length of the learned vector for each token id'),
  }),
  toLayer: (p) => ({ kind: 'embedding', vocabSize: p.vocabSize, dim: p.dim }),
  infer: ({ id, layer, x, fail }) => {
    if (x.length !== 1) fail('[sequence] of token ids');
    return {
      outShape: [x[0], layer.dim],
      params: [param(`${id}/embeddings`, [layer.vocabSize, layer.dim], 'uniform', 0, 0, 0.05)],
      buffers: [],
    };
  },
  emit: ({ ctx, x, p }) => {
    const table = p('embeddings');
    const ids = cast(ctx.b, x, 'int64');
    const y = gather(ctx.b, table, ids, 0);
    lookups.set(y, { table, ids });
    return y;
  },
});
