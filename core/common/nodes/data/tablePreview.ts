import type { ColumnStats } from '../../protocol/engineApi';
import { countDistinct } from '../../distinctNumbers';
import type { DataPreviewValue, TableColumn, TableValue } from '../../values';

/** Distinct values are counted up to this many; `unique` is a lower bound beyond it. */
export const UNIQUE_CAP = 100_000;

/** A table cell for display: booleans as true/false, dates as ISO text, missing as null. */
export function formatCell(col: TableColumn, i: number): string | number | null {
  const v = col.values[i];
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v !== v) return null;
  if (col.type === 'boolean') return v ? 'true' : 'false';
  if (col.type === 'date') return new Date(v).toISOString();
  return v;
}

function topValues(counts: Map<string, number>, k: number): { value: string; count: number }[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([value, count]) => ({ value, count }));
}

/** Statistics of one column: numeric summaries in one pass (Welford), counts for strings. */
export function columnStats(col: TableColumn): ColumnStats {
  if (Array.isArray(col.values)) {
    const counts = new Map<string, number>();
    let missing = 0;
    for (const v of col.values) {
      if (v === null) missing++;
      else if (counts.size < UNIQUE_CAP || counts.has(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const count = col.values.length - missing;
    return { name: col.name, type: col.type, count, missing, unique: counts.size, top: topValues(counts, 10) };
  }
  const values = col.values;
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x !== x) continue;
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const stats: ColumnStats = {
    name: col.name,
    type: col.type,
    count: n,
    missing: values.length - n,
    unique: countDistinct(values, UNIQUE_CAP),
  };
  if (n > 0) Object.assign(stats, { min, max, mean, std: Math.sqrt(m2 / n) });
  if (col.type === 'boolean') {
    let ones = 0;
    for (let i = 0; i < values.length; i++) if (values[i] === 1) ones++;
    stats.top = topValues(
      new Map([
        ['true', ones],
        ['false', n - ones],
      ]),
      2,
    );
  }
  return stats;
}

/** Whether a column looks like a class label: categories, booleans or at most 20 integers. */
export function looksCategorical(col: TableColumn, stats: ColumnStats): boolean {
  if (col.type === 'category' || col.type === 'boolean') return true;
  return col.type === 'integer' && (stats.unique ?? Infinity) <= 20;
}

/** Class counts of a label column, labels sorted (numerically for numbers). */
export function classHistogram(col: TableColumn): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < col.values.length; i++) {
    const v = formatCell(col, i);
    if (v !== null) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  const numeric = !Array.isArray(col.values) && col.type !== 'boolean';
  const labels = [...counts.keys()].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  return labels.map((label) => ({ label, count: counts.get(label) ?? 0 }));
}

/**
 * A DataPreview of a table: schema, row count, the first `headRows` rows, per-column stats,
 * and a class histogram of `target` (or of the last column when it looks like a label).
 */
export function previewTable(
  table: TableValue,
  opts: { format: string; target?: string; headRows?: number },
): DataPreviewValue {
  const stats = table.columns.map(columnStats);
  const headRows = Math.min(table.rowCount, opts.headRows ?? 10);
  const rows: (string | number | null)[][] = [];
  for (let i = 0; i < headRows; i++) rows.push(table.columns.map((c) => formatCell(c, i)));
  const preview: DataPreviewValue = {
    format: opts.format,
    rowCount: table.rowCount,
    schema: table.columns.map((c) => ({ name: c.name, type: c.type })),
    stats,
    head: { title: 'First rows', columns: table.columns.map((c) => c.name), rows },
  };
  if (table.source) preview.source = table.source;
  if (table.warnings?.length) preview.warnings = [...table.warnings];
  const ti = opts.target ? table.columns.findIndex((c) => c.name === opts.target) : table.columns.length - 1;
  const tcol = table.columns[ti];
  if (tcol && (opts.target || looksCategorical(tcol, stats[ti]))) {
    preview.classColumn = tcol.name;
    preview.classHistogram = classHistogram(tcol);
  }
  return preview;
}
