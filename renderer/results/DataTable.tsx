import { useState } from 'react';

const ROW_H = 24;
const VIEW_ROWS = 14;

function cell(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(5);
  return v;
}

/** A virtualised table: only the rows in view are in the DOM. */
export function DataTable({
  columns,
  rows,
  testId,
}: {
  columns: string[];
  rows: (string | number | null)[][];
  testId?: string;
}) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW_H) - 4);
  const last = Math.min(rows.length, first + VIEW_ROWS + 8);
  return (
    <div
      className="weft-table-wrap"
      style={{ height: Math.min(rows.length + 1, VIEW_ROWS) * ROW_H + 4 }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      data-testid={testId}
    >
      <table className="weft-table">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr style={{ height: first * ROW_H }} />}
          {rows.slice(first, last).map((r, i) => (
            <tr key={first + i} style={{ height: ROW_H }}>
              {r.map((v, j) => (
                <td key={j} className={typeof v === 'number' ? 'num' : ''}>
                  {cell(v)}
                </td>
              ))}
            </tr>
          ))}
          {last < rows.length && <tr style={{ height: (rows.length - last) * ROW_H }} />}
        </tbody>
      </table>
    </div>
  );
}
