import type { TableColumn, TableValue } from '../../values';
import { DataError } from './DataError';
import { rowIdAt } from './testSplit';

const ISO_LIKE = /^\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const SHOWN = 3;

/** A time value as the user wrote it: an ISO date (or date-time) for dates, the number otherwise. */
export function formatTime(t: number, type: 'date' | 'number'): string {
  if (type === 'number') return String(t);
  const iso = new Date(t).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** The rows of a table in time order, with the time values sorted and a note on what was found. */
export interface TimeOrder {
  /** Row indices of the table, sorted by time (stable). */
  order: Int32Array;
  time: Float64Array;
  type: 'date' | 'number';
  /** Whether the table was not already in time order. */
  resorted: boolean;
  /** Irregular steps: how many, and the first few in words. */
  gaps: { count: number; usualStep: string; first: string[] };
}

function describeStep(ms: number, type: 'date' | 'number'): string {
  if (type === 'number') return String(ms);
  const units: [number, string][] = [
    [86_400_000, 'days'],
    [3_600_000, 'hours'],
    [60_000, 'minutes'],
    [1000, 'seconds'],
  ];
  for (const [size, name] of units) if (ms >= size) return `${+(ms / size).toPrecision(4)} ${name}`;
  return `${ms} ms`;
}

function refuseUnsortable(col: TableColumn, where: string, table: TableValue): never {
  if (Array.isArray(col.values)) {
    const values = col.values;
    let bad = values.findIndex((v) => v !== null && !ISO_LIKE.test(v.trim()));
    if (bad < 0) bad = values.findIndex((v) => v !== null);
    const example = bad >= 0 ? `; row ${rowIdAt(table, bad)} holds ${JSON.stringify(values[bad])}` : '';
    throw new DataError(
      `${where}time column '${col.name}' is ${col.type}, not dates or numbers, so it cannot be sorted${example}. ` +
        `Write its values as ISO dates (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS) or numbers, or set the column's type to date in data.csv`,
    );
  }
  throw new DataError(
    `${where}time column '${col.name}' is ${col.type}; prep.window needs dates or numbers to order the rows`,
  );
}

/**
 * Sorts a table's rows by its time column and checks the order: a time column that is not dates or
 * numbers, a missing time or duplicated times are DataErrors naming the rows; irregular steps
 * (longer than 1.5× the median step) are counted and described for a warning.
 */
export function timeOrder(table: TableValue, column: string, where: string): TimeOrder {
  const col = table.columns.find((c) => c.name === column);
  if (!col) {
    throw new DataError(
      `${where}time column '${column}' not found; columns are ${table.columns.map((c) => c.name).join(', ')}`,
    );
  }
  if (Array.isArray(col.values) || col.type === 'boolean') refuseUnsortable(col, where, table);
  const type = col.type === 'date' ? 'date' : 'number';
  const raw = col.values;
  const n = table.rowCount;
  for (let i = 0; i < n; i++) {
    if (raw[i] !== raw[i]) {
      throw new DataError(
        `${where}time column '${column}' is missing at row ${rowIdAt(table, i)}; every row needs a time (drop or fill that row first)`,
      );
    }
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => raw[a] - raw[b] || a - b);
  let resorted = false;
  for (let k = 0; k < n; k++) if (order[k] !== k) resorted = true;
  const time = Float64Array.from(order, (i) => raw[i]);
  const fmt = (t: number): string => formatTime(t, type);

  const dups: string[] = [];
  let dupCount = 0;
  for (let k = 1; k < n; k++) {
    if (time[k] !== time[k - 1]) continue;
    dupCount++;
    if (dups.length < SHOWN)
      dups.push(`${fmt(time[k])} at rows ${rowIdAt(table, order[k - 1])} and ${rowIdAt(table, order[k])}`);
  }
  if (dupCount) {
    throw new DataError(
      `${where}time column '${column}' has ${dupCount} duplicated time${dupCount > 1 ? 's' : ''} (${dups.join('; ')}${dupCount > SHOWN ? '; …' : ''}); ` +
        'a series needs one row per time: aggregate or drop the duplicates before prep.window',
    );
  }

  const steps = Float64Array.from({ length: Math.max(0, n - 1) }, (_, k) => time[k + 1] - time[k]);
  const median = n > 1 ? [...steps].sort((a, b) => a - b)[Math.floor((n - 1) / 2)] : 0;
  const first: string[] = [];
  let count = 0;
  for (let k = 0; k < steps.length; k++) {
    if (steps[k] <= 1.5 * median) continue;
    count++;
    if (first.length < SHOWN)
      first.push(
        `${fmt(time[k])} (row ${rowIdAt(table, order[k])}) → ${fmt(time[k + 1])} (row ${rowIdAt(table, order[k + 1])})`,
      );
  }
  return { order, time, type, resorted, gaps: { count, usualStep: describeStep(median, type), first } };
}
