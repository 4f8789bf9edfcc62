import type { DisplayTable } from '../values';
import { maxOf } from '../arrays';

type Cell = string | number | null;

/** Counts print as integers; a column holding any fraction prints every number with 4 decimals. */
function cell(v: Cell, fractional: boolean): string {
  if (v === null) return '';
  if (typeof v !== 'number') return v;
  if (Number.isNaN(v)) return 'n/a';
  return fractional ? v.toFixed(4) : String(v);
}

/** Renders a table as aligned plain text for the CLI: a title line, a header, a rule, the rows. */
export function formatTable(table: DisplayTable): string {
  const fractional = table.columns.map((_, c) =>
    table.rows.some((r) => typeof r[c] === 'number' && !Number.isInteger(r[c])),
  );
  const rows = [table.columns, ...table.rows.map((r) => r.map((v, c) => cell(v, fractional[c] ?? false)))];
  const widths = table.columns.map((_, c) => maxOf(rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((v, c) => (c === 0 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    table.title,
    line(table.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
