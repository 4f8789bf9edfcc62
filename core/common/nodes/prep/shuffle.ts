import { z } from 'zod';
import type { TableValue } from '../../values';
import { defineNode } from '../NodeDefinition';
import { seededRandom, shuffleInPlace } from './random';
import { takeRows } from './splitTable';

export const shuffleParams = z.object({ seed: z.number().int().default(42).describe('Seed of the shuffle') });

export const shuffleNode = defineNode({
  type: 'prep.shuffle',
  version: 1,
  title: 'Shuffle Rows',
  category: 'Preprocess',
  doc: 'Shuffles the rows of a table with a seeded generator: the same seed gives the same order.',
  inputs: [{ name: 'table', type: { kind: 'Table' } }],
  outputs: [{ name: 'table', type: { kind: 'Table' } }],
  params: shuffleParams,
});

export function shuffleTable(table: TableValue, seed: number): TableValue {
  const identity = new Int32Array(table.rowCount);
  for (let i = 0; i < identity.length; i++) identity[i] = i;
  const order = shuffleInPlace(identity, seededRandom(seed));
  return { ...table, columns: table.columns.map((c) => takeRows(c, order)) };
}
