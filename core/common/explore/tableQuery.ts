import { formatCell } from '../nodes/data/tablePreview';
import type { TableColumn } from '../values';

/** A filter typed into a column's header; see `parseFilter` for the syntax. */
export interface ColumnFilter {
  column: string;
  text: string;
}

/** Which rows of a table to show and in which order. */
export interface RowQuery {
  sort?: { column: string; descending?: boolean };
  filters?: ColumnFilter[];
}

/** A query naming a column the table lacks, or a filter that cannot be read. */
export class QueryError extends Error {
  override name = 'QueryError';
}

const COMPARISON = /^\s*(<=|>=|!=|<|>|=)\s*(.+?)\s*$/;
const RANGE = /^\s*(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)\s*$/;

function num(text: string, column: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v))
    throw new QueryError(`filter on ${column}: "${text}" is not a number (write e.g. >5, <=2.5, 1..3 or 4)`);
  return v;
}

/**
 * The row test for one filter. Number and integer columns take `>5`, `>=5`, `<5`, `<=5`, `=5`,
 * `!=5`, a range `1..3` (inclusive) or a plain number (equal). Other columns match when their text
 * contains the filter, ignoring case; `=text` matches the whole text, `!=text` excludes it.
 * Missing cells never match, except `!=`.
 */
export function parseFilter(col: TableColumn, text: string): (row: number) => boolean {
  if (col.type === 'number' || col.type === 'integer') {
    const values = col.values;
    const range = RANGE.exec(text);
    if (range) {
      const [lo, hi] = [num(range[1], col.name), num(range[2], col.name)];
      return (i) => values[i] >= lo && values[i] <= hi;
    }
    const m = COMPARISON.exec(text);
    const op = m ? m[1] : '=';
    const v = num(m ? m[2] : text, col.name);
    switch (op) {
      case '<':
        return (i) => values[i] < v;
      case '<=':
        return (i) => values[i] <= v;
      case '>':
        return (i) => values[i] > v;
      case '>=':
        return (i) => values[i] >= v;
      case '!=':
        return (i) => values[i] !== v;
      default:
        return (i) => values[i] === v;
    }
  }
  const m = /^\s*(!=|=)(.*)$/.exec(text);
  if (m) {
    const want = m[2].trim().toLowerCase();
    const eq = (i: number): boolean => String(formatCell(col, i) ?? '').toLowerCase() === want;
    return m[1] === '=' ? (i) => formatCell(col, i) !== null && eq(i) : (i) => !eq(i);
  }
  const needle = text.trim().toLowerCase();
  return (i) => {
    const v = formatCell(col, i);
    return v !== null && String(v).toLowerCase().includes(needle);
  };
}

function columnOf(columns: TableColumn[], name: string): TableColumn {
  const col = columns.find((c) => c.name === name);
  if (!col) throw new QueryError(`no column "${name}"; the table has ${columns.map((c) => c.name).join(', ')}`);
  return col;
}

/**
 * The rows a query selects, in its order: filters combined with "and", then a stable sort with
 * missing cells last in either direction. `undefined` when the query keeps every row in place.
 */
export function queryRows(columns: TableColumn[], rowCount: number, q: RowQuery): Int32Array | undefined {
  const filters = (q.filters ?? []).filter((f) => f.text.trim() !== '');
  if (filters.length === 0 && !q.sort) return undefined;
  const tests = filters.map((f) => parseFilter(columnOf(columns, f.column), f.text));
  let rows: Int32Array;
  if (tests.length) {
    const kept: number[] = [];
    for (let i = 0; i < rowCount; i++) if (tests.every((t) => t(i))) kept.push(i);
    rows = Int32Array.from(kept);
  } else rows = Int32Array.from({ length: rowCount }, (_, i) => i);
  if (!q.sort) return rows;
  const col = columnOf(columns, q.sort.column);
  return Array.isArray(col.values)
    ? sortByText(rows, col.values, q.sort.descending ?? false)
    : sortByNumber(rows, col.values, q.sort.descending ?? false);
}

/**
 * A stable sort of `rows` by number: an LSD radix sort (four 16-bit passes) of each value's
 * order-preserving 64-bit key, carried with its row; missing values (NaN) last.
 */
function sortByNumber(rows: Int32Array, v: Float64Array, descending: boolean): Int32Array {
  const present = rows.filter((r) => v[r] === v[r]);
  const m = present.length;
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const [loWord, hiWord] = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? [0, 1] : [1, 0];
  let hi = new Uint32Array(m);
  let lo = new Uint32Array(m);
  let idx = Int32Array.from(present);
  for (let i = 0; i < m; i++) {
    bits[0] = v[idx[i]] === 0 ? 0 : v[idx[i]];
    let h = words[hiWord];
    let l = words[loWord];
    if (h >>> 31) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    if (descending) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
  }
  let hi2 = new Uint32Array(m);
  let lo2 = new Uint32Array(m);
  let idx2 = new Int32Array(m);
  const counts = new Int32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[((word[i] >>> shift) & 0xffff) + 1]++;
    for (let b = 1; b <= 65536; b++) counts[b] += counts[b - 1];
    for (let i = 0; i < m; i++) {
      const at = counts[(word[i] >>> shift) & 0xffff]++;
      hi2[at] = hi[i];
      lo2[at] = lo[i];
      idx2[at] = idx[i];
    }
    [hi, hi2, lo, lo2, idx, idx2] = [hi2, hi, lo2, lo, idx2, idx];
  }
  const out = new Int32Array(rows.length);
  out.set(idx);
  let k = m;
  for (const r of rows) if (v[r] !== v[r]) out[k++] = r;
  return out;
}

/** A stable counting sort of `rows` by the rank of their text among the distinct values; missing last. */
function sortByText(rows: Int32Array, v: (string | null)[], descending: boolean): Int32Array {
  const distinct = new Map<string, number>();
  for (const r of rows) {
    const x = v[r];
    if (x !== null && !distinct.has(x)) distinct.set(x, 0);
  }
  const keys = [...distinct.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (descending) keys.reverse();
  keys.forEach((key, i) => distinct.set(key, i));
  const counts = new Int32Array(keys.length + 2);
  const rank = (r: number): number => {
    const x = v[r];
    return x === null ? keys.length : distinct.get(x)!;
  };
  for (const r of rows) counts[rank(r) + 1]++;
  for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
  const out = new Int32Array(rows.length);
  for (const r of rows) out[counts[rank(r)]++] = r;
  return out;
}
