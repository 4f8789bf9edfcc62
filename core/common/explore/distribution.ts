import type { TableColumn } from '../values';
import { formatCell } from '../nodes/data/tablePreview';

/** Bar charts show this many categories; the rest are counted together. */
export const MAX_BARS = 30;

/** One column's distribution: a histogram for numbers, bar counts for categories, and its missing cells. */
export type ColumnDistribution =
  | {
      name: string;
      type: TableColumn['type'];
      kind: 'numeric';
      /** `counts.length + 1` bin edges; every bin is [lo, hi) except the last, which is [lo, hi]. */
      edges: number[];
      counts: number[];
      missing: number;
    }
  | {
      name: string;
      type: TableColumn['type'];
      kind: 'categorical';
      /** The most frequent values, most frequent first (ties by label). */
      bars: { label: string; count: number }[];
      /** Values outside the first `MAX_BARS` bars. */
      other: number;
      missing: number;
    };

/** Sturges' rule, as numpy's `bins='sturges'`: ⌈log2 n⌉ + 1 bins, at most 50. */
export function sturgesBins(n: number): number {
  return n <= 1 ? 1 : Math.min(50, Math.ceil(Math.log2(n)) + 1);
}

/**
 * A numeric histogram with `bins` equal-width bins from the smallest to the largest value (as
 * `numpy.histogram(bins='sturges')`; a constant column gets one bin [v − 0.5, v + 0.5]); NaN counts as missing.
 */
export function numericHistogram(
  values: ArrayLike<number>,
  bins?: number,
): { edges: number[]; counts: number[]; missing: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) missing++;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const n = values.length - missing;
  if (n === 0) return { edges: [], counts: [], missing };
  const constant = lo === hi;
  if (constant) [lo, hi] = [lo - 0.5, hi + 0.5];
  const k = bins ?? (constant ? 1 : sturgesBins(n));
  const width = (hi - lo) / k;
  const edges = Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : lo + i * width));
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    let b = Math.floor((v - lo) / width);
    if (b >= k) b = k - 1;
    else if (b > 0 && v < edges[b]) b--;
    else if (b < k - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  return { edges, counts, missing };
}

/** Counts of each value of a column (its display text), most frequent first, with the missing cells. */
export function categoryCounts(col: TableColumn): {
  bars: { label: string; count: number }[];
  other: number;
  missing: number;
} {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < col.values.length; i++) {
    const v = formatCell(col, i);
    if (v === null) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  const all = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([label, count]) => ({ label, count }));
  const bars = all.slice(0, MAX_BARS);
  return { bars, other: all.slice(MAX_BARS).reduce((s, b) => s + b.count, 0), missing };
}

/** Whether a column is drawn as a histogram (numbers, integers, dates) rather than as bars. */
export const isNumericColumn = (col: TableColumn): col is Extract<TableColumn, { values: Float64Array }> =>
  col.type === 'number' || col.type === 'integer' || col.type === 'date';

/** The distribution of one column: a histogram for numbers and dates, bars for categories, text and booleans. */
export function columnDistribution(col: TableColumn): ColumnDistribution {
  if (isNumericColumn(col)) return { name: col.name, type: col.type, kind: 'numeric', ...numericHistogram(col.values) };
  return { name: col.name, type: col.type, kind: 'categorical', ...categoryCounts(col) };
}
