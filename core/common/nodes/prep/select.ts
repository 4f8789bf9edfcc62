import { z } from 'zod';
import type { TableValue } from '../../values';
import { defineNode } from '../NodeDefinition';
import { DataError } from './DataError';

export const selectParams = z.object({
  columns: z.array(z.string()).default([]).describe('Column names').meta({ widget: 'columns' }),
  mode: z.enum(['keep', 'drop']).default('keep').describe('Keep only these columns, or drop them'),
});
export type SelectParams = z.output<typeof selectParams>;

export const selectNode = defineNode({
  type: 'prep.select',
  version: 1,
  title: 'Select Columns',
  category: 'Preprocess',
  doc: 'Keeps the listed columns (in that order) or drops them.',
  keywords: ['columns', 'drop', 'keep', 'filter'],
  inputs: [{ name: 'table', type: { kind: 'Table' } }],
  outputs: [{ name: 'table', type: { kind: 'Table' } }],
  params: selectParams,
  basic: ['columns', 'mode'],
});

export function selectColumns(table: TableValue, p: SelectParams): TableValue {
  const names = table.columns.map((c) => c.name);
  const unknown = p.columns.filter((c) => !names.includes(c));
  if (unknown.length)
    throw new DataError(
      `prep.select: no column ${unknown.map((u) => `'${u}'`).join(', ')}; columns are ${names.join(', ')}`,
    );
  const columns =
    p.mode === 'keep'
      ? p.columns.map((n) => table.columns.find((c) => c.name === n)!)
      : table.columns.filter((c) => !p.columns.includes(c.name));
  if (!columns.length) throw new DataError('prep.select: no columns left');
  return { ...table, columns };
}
