/**
 * A split's raw columns, read through its row index. prep.split keeps the table's columns as they
 * are and gives each split only `rawRows` (row k of the split is `raw[c].values[rawRows[k]]`), so a
 * split costs an index, not a copy of the table; every reader of `DatasetSplit.raw` goes through
 * these helpers.
 */
import type { DatasetSplit, TableColumn } from './values';

/** Source rows per bucket of an indexed read (2^10): a bucket's slice of each column stays in L1. */
const BUCKET_SHIFT = 10;

/** The rows of an index grouped by source bucket: see `bucketPlan`. */
interface BucketPlan {
  src: Int32Array;
  dst: Int32Array;
  bounds: Int32Array;
}

const plans = new WeakMap<object, BucketPlan>();

/**
 * The rows of an index grouped by source bucket: `src[j]` is the source row of the j-th visit,
 * `dst[j]` its output row, bucket b's visits are `bounds[b] .. bounds[b + 1]`. Reading a column
 * bucket by bucket keeps the reads in cache, where visiting rows in index order reads the column
 * at random (about 2× slower at a million rows). An index without repeated rows is visited in
 * ascending source order (a front-to-back read); one with repeats by a stable counting sort per
 * bucket. Kept per index while it lives.
 */
export function bucketPlan(rows: ArrayLike<number>): BucketPlan {
  const known = plans.get(rows);
  if (known) return known;
  let max = 0;
  for (let i = 0; i < rows.length; i++) if (rows[i] > max) max = rows[i];
  const plan = sortedPlan(rows, max) ?? countingPlan(rows, max);
  if (typeof rows === 'object') plans.set(rows, plan);
  return plan;
}

/** The visits in ascending source order through a row → output inverse map; undefined when a row repeats. */
function sortedPlan(rows: ArrayLike<number>, max: number): BucketPlan | undefined {
  const at = new Int32Array(max + 1).fill(-1);
  for (let i = 0; i < rows.length; i++) {
    if (at[rows[i]] >= 0) return undefined;
    at[rows[i]] = i;
  }
  const buckets = (max >> BUCKET_SHIFT) + 1;
  const bounds = new Int32Array(buckets + 1);
  const src = new Int32Array(rows.length);
  const dst = new Int32Array(rows.length);
  let j = 0;
  for (let r = 0; r <= max; r++) {
    if (at[r] < 0) continue;
    src[j] = r;
    dst[j++] = at[r];
    bounds[(r >> BUCKET_SHIFT) + 1] = j;
  }
  for (let b = 1; b <= buckets; b++) if (bounds[b] < bounds[b - 1]) bounds[b] = bounds[b - 1];
  return { src, dst, bounds };
}

function countingPlan(rows: ArrayLike<number>, max: number): BucketPlan {
  const buckets = (max >> BUCKET_SHIFT) + 1;
  const bounds = new Int32Array(buckets + 1);
  for (let i = 0; i < rows.length; i++) bounds[(rows[i] >> BUCKET_SHIFT) + 1]++;
  for (let b = 0; b < buckets; b++) bounds[b + 1] += bounds[b];
  const next = bounds.slice(0, buckets);
  const src = new Int32Array(rows.length);
  const dst = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const j = next[rows[i] >> BUCKET_SHIFT]++;
    src[j] = rows[i];
    dst[j] = i;
  }
  return { src, dst, bounds };
}

/** Indexes shorter than this are read in order: their columns' rows are few enough to stay in cache. */
export const BUCKETED_ROWS = 1 << 15;

/** `values[rows[i]]` for every i, read bucket by bucket for long indexes (never modify an index once read). */
export function gatherNumbers(values: Float64Array, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  if (rows.length < BUCKETED_ROWS) {
    for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]];
    return out;
  }
  const { src, dst } = bucketPlan(rows);
  for (let j = 0; j < src.length; j++) out[dst[j]] = values[src[j]];
  return out;
}

/** Rows `idx` of a column, in that order. */
export function gatherColumn(col: TableColumn, idx: ArrayLike<number>): TableColumn {
  if (Array.isArray(col.values)) {
    const src = col.values;
    const out: (string | null)[] = new Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]] ?? null;
    return { name: col.name, type: col.type as 'category' | 'text', values: out };
  }
  return {
    name: col.name,
    type: col.type as 'integer' | 'number' | 'boolean' | 'date',
    values: gatherNumbers(col.values, idx),
  };
}

/** Index of the split's rows `rows` (indices into the split) in its raw columns. */
export function rawIndexAt(split: DatasetSplit, rows: ArrayLike<number>): Int32Array {
  const out = new Int32Array(rows.length);
  const base = split.rawRows;
  for (let i = 0; i < rows.length; i++) out[i] = base ? base[rows[i]] : rows[i];
  return out;
}

/** The split's raw columns with row k at index k (copied out of the shared columns when indexed). */
export function rawColumns(split: DatasetSplit): TableColumn[] | undefined {
  if (!split.raw) return undefined;
  const rows = split.rawRows;
  return rows ? split.raw.map((c) => gatherColumn(c, rows)) : split.raw;
}

/** The split's raw rows `rows` (indices into the split), in that order, as columns of their own. */
export function rawColumnsAt(split: DatasetSplit, rows: ArrayLike<number>): TableColumn[] | undefined {
  if (!split.raw) return undefined;
  const idx = rawIndexAt(split, rows);
  return split.raw.map((c) => gatherColumn(c, idx));
}

/** The split's raw rows `start .. end` as columns of their own (views when the split is not indexed). */
export function rawColumnsRange(split: DatasetSplit, start: number, end: number): TableColumn[] | undefined {
  if (!split.raw) return undefined;
  const rows = split.rawRows;
  if (rows) return split.raw.map((c) => gatherColumn(c, rows.subarray(start, end)));
  return split.raw.map((c) =>
    Array.isArray(c.values)
      ? ({ ...c, values: c.values.slice(start, end) } as TableColumn)
      : ({ ...c, values: c.values.subarray(start, end) } as TableColumn),
  );
}

/** Whether any of the split's rows is missing (NaN or null) in raw column `name`. */
export function rawHasMissing(split: DatasetSplit, name: string): boolean {
  const col = split.raw?.find((c) => c.name === name);
  if (!col) return false;
  const rows = split.rawRows;
  const n = rows ? rows.length : col.values.length;
  if (Array.isArray(col.values)) {
    const v = col.values;
    for (let i = 0; i < n; i++) if ((v[rows ? rows[i] : i] ?? null) === null) return true;
    return false;
  }
  const v = col.values;
  for (let i = 0; i < n; i++) {
    const x = v[rows ? rows[i] : i];
    if (x !== x) return true;
  }
  return false;
}
