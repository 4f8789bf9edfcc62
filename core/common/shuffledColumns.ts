/**
 * prep.shuffle's columns: each is rows `order` of a column of its input, and its `values` are
 * gathered on first read (then kept as a plain value), so shuffling a table costs a permutation,
 * not a copy of every column. A reader that can follow the permutation (prep.split, which then
 * gives its splits the composed row index; `tableFingerprint`) asks `shuffledSource` and never
 * gathers. Any other read of `values` (a preview, a spread, the cache's codec) gathers that
 * column, the same values as an eager copy; `pendingBytes(col, 'values')` gives its size before.
 */
import { deferSized } from './deferFeatures';
import { gatherColumn } from './splitRaw';
import type { TableColumn } from './values';

/** Where a shuffled column's rows come from: row k is `base.values[order[k]]`. */
interface ShuffledSource {
  base: TableColumn;
  order: Int32Array;
}

const sources = new WeakMap<object, ShuffledSource>();

/** Composed permutations by inner then outer permutation, so a table shuffled twice still shares one per column set. */
const composed = new WeakMap<Int32Array, WeakMap<Int32Array, Int32Array>>();

function composeOnce(inner: Int32Array, outer: Int32Array): Int32Array {
  let byOuter = composed.get(inner);
  if (!byOuter) composed.set(inner, (byOuter = new WeakMap()));
  let rows = byOuter.get(outer);
  if (!rows) byOuter.set(outer, (rows = composeRows(inner, outer)));
  return rows;
}

/** Rows `order` of `col` as a column whose values are gathered on first read; a shuffled column's permutation is composed. */
export function shuffledColumn(col: TableColumn, order: Int32Array): TableColumn {
  const inner = sources.get(col);
  const base = inner ? inner.base : col;
  const rows = inner ? composeOnce(inner.order, order) : order;
  const out = { name: col.name, type: col.type } as TableColumn;
  deferSized(out, 'values', rows.length * 8, () => gatherColumn(base, rows).values);
  sources.set(out, { base, order: rows });
  return out;
}

/** The column and permutation a shuffled column reads (whether or not its values were gathered since); undefined for any other column. */
export function shuffledSource(col: TableColumn): ShuffledSource | undefined {
  return sources.get(col);
}

/** `order[rows[k]]` for every k: rows of a shuffled table as rows of its source. */
function composeRows(order: Int32Array, rows: ArrayLike<number>): Int32Array {
  const out = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = order[rows[k]];
  return out;
}
