import type { TableColumn } from '../../values';

/** The rows `idx` of a column. */
export function takeRows(col: TableColumn, idx: ArrayLike<number>): TableColumn {
  if (Array.isArray(col.values)) {
    const src = col.values;
    const out: (string | null)[] = new Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]] ?? null;
    return { name: col.name, type: col.type as 'category' | 'text', values: out };
  }
  const src = col.values;
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]]!;
  return { name: col.name, type: col.type as 'integer' | 'number' | 'boolean' | 'date', values: out };
}

/** A cell as a class label (booleans as `true`/`false`), or null when missing. */
export function labelOf(col: TableColumn, i: number): string | null {
  const v = col.values[i];
  if (v === null || v === undefined || (typeof v === 'number' && v !== v)) return null;
  if (typeof v === 'string') return v;
  return col.type === 'boolean' ? (v ? 'true' : 'false') : String(v);
}
