import type { TableColumn } from '../../values';

/** A cell as a class label (booleans as `true`/`false`), or null when missing. */
export function labelOf(col: TableColumn, i: number): string | null {
  const v = col.values[i];
  if (v === null || v === undefined || (typeof v === 'number' && v !== v)) return null;
  if (typeof v === 'string') return v;
  return col.type === 'boolean' ? (v ? 'true' : 'false') : String(v);
}
