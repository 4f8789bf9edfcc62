import { z } from 'zod';
import type { TableValue } from '../../values';
import { defineNode } from '../NodeDefinition';
import { seededRandom, shuffleInPlace } from './random';
import { shuffledColumn } from '../../shuffledColumns';

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

/**
 * The table's rows in a seeded random order (Fisher–Yates). Its columns are gathered on first read
 * (`shuffledColumn`): prep.split reads them through the permutation instead.
 */
export function shuffleTable(table: TableValue, seed: number): TableValue {
  const order = new Int32Array(table.rowCount);
  for (let i = 0; i < order.length; i++) order[i] = i;
  shuffleInPlace(order, seededRandom(seed));
  const rowIds = new Int32Array(order.length);
  const ids = table.rowIds;
  if (ids) for (let k = 0; k < order.length; k++) rowIds[k] = ids[order[k]];
  else for (let k = 0; k < order.length; k++) rowIds[k] = order[k] + 1;
  return { ...table, columns: table.columns.map((c) => shuffledColumn(c, order)), rowIds };
}
