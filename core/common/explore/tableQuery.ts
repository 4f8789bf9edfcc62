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
  const dir = q.sort.descending ? -1 : 1;
  const order = Array.from(rows);
  if (Array.isArray(col.values)) {
    const v = col.values;
    order.sort((a, b) => {
      const x = v[a];
      const y = v[b];
      if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
      return (x < y ? -dir : x > y ? dir : 0) || a - b;
    });
  } else {
    const v = col.values;
    order.sort((a, b) => {
      const x = v[a];
      const y = v[b];
      if (x !== x || y !== y) return x !== x && y !== y ? a - b : x !== x ? 1 : -1;
      return (x - y) * dir || a - b;
    });
  }
  return Int32Array.from(order);
}
