import type { DataPreviewValue, TableColumn } from '../../common';

/** Past this many rows, a preview's statistics come from an even sample instead of every row. */
export const PREVIEW_SAMPLE_ROWS = 100_000;

/**
 * The rows a preview reads: all of them up to `max`; past it, the first `head` rows (shown as they
 * are) then every k-th row after them, `max` in all, in order.
 */
export function sampleRows(n: number, head: number, max = PREVIEW_SAMPLE_ROWS): Int32Array | undefined {
  if (n <= max) return undefined;
  const first = Math.min(head, max);
  const rest = max - first;
  const idx = new Int32Array(max);
  for (let i = 0; i < first; i++) idx[i] = i;
  const step = (n - first) / rest;
  for (let j = 0; j < rest; j++) idx[first + j] = first + Math.floor(j * step);
  return idx;
}

/** The sampled rows of a column. */
export function pickColumn(c: TableColumn, idx: Int32Array): TableColumn {
  const v = c.values;
  if (Array.isArray(v)) return { ...c, values: Array.from(idx, (i) => v[i] ?? null) } as TableColumn;
  const out = new Float64Array(idx.length);
  for (let j = 0; j < idx.length; j++) out[j] = v[idx[j]]!;
  return { ...c, values: out } as TableColumn;
}

/**
 * Marks a preview built from a sample (true row count, a warning saying so) and titles its head
 * with how many of the rows it shows.
 */
export function labelPreview<P extends DataPreviewValue>(p: P, rowCount: number, sampled: number | undefined): P {
  const shown = p.head.rows.length;
  const fmt = (x: number): string => x.toLocaleString('en');
  const warnings = sampled
    ? [...(p.warnings ?? []), `statistics from an even sample of ${fmt(sampled)} of ${fmt(rowCount)} rows`]
    : p.warnings;
  return {
    ...p,
    rowCount,
    head: { ...p.head, title: shown < rowCount ? `First ${fmt(shown)} of ${fmt(rowCount)} rows` : p.head.title },
    ...(warnings ? { warnings } : {}),
  };
}
