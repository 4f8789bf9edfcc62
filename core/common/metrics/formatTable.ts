import type { DisplayTable } from '../values';

function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number.isNaN(v) ? 'n/a' : v.toFixed(4);
  return v;
}

/** Renders a table as aligned plain text for the CLI: a title line, a header, a rule, the rows. */
export function formatTable(table: DisplayTable): string {
  const rows = [table.columns, ...table.rows.map((r) => r.map(cell))];
  const widths = table.columns.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r.map((v, c) => (c === 0 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0))).join('  ').trimEnd();
  return [table.title, line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
