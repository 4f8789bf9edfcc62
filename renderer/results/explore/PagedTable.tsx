import { useEffect, useRef, useState } from 'react';
import { usePagedRows, type DataRef, type TableQuery } from './usePagedRows';

const ROW_H = 24;
const VIEW_ROWS = 16;
/** Browsers cap an element's height (Chromium near 33 M px); taller tables scroll proportionally. */
const MAX_SCROLL_PX = 8_000_000;
const COL_W = 120;
const NUM_W = 64;

function cell(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
  return v;
}

/**
 * A node's whole table, virtualised: only the rows in view are in the DOM and only their pages are
 * fetched. Click a header to sort (again to reverse, a third time to clear); type under it to
 * filter (`>5`, `1..3`, text).
 */
export function PagedTable({ dataRef }: { dataRef: DataRef }) {
  const [query, setQuery] = useState<TableQuery>({ filters: {} });
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const data = usePagedRows(dataRef, query);

  useEffect(() => {
    const t = window.setTimeout(
      () => setQuery((q) => (JSON.stringify(q.filters) === JSON.stringify(typed) ? q : { ...q, filters: typed })),
      250,
    );
    return () => window.clearTimeout(t);
  }, [typed]);
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    box.current?.scrollTo({ top: 0 });
    setScrollTop(0);
  }, [queryKey]);

  const viewH = VIEW_ROWS * ROW_H;
  const fullH = data.total * ROW_H;
  const bodyH = Math.min(fullH, MAX_SCROLL_PX);
  const ratio = bodyH > viewH ? (fullH - viewH) / (bodyH - viewH) : 1;
  const virtualTop = scrollTop * ratio;
  const first = Math.min(Math.max(0, data.total - 1), Math.floor(virtualTop / ROW_H));
  const last = Math.min(data.total - 1, first + VIEW_ROWS + 1);
  const shift = scrollTop - (virtualTop - first * ROW_H);
  useEffect(() => {
    if (data.total > 0) data.want(first, last);
  });

  const sortBy = (column: string): void =>
    setQuery((q) => {
      if (q.sort?.column !== column) return { ...q, sort: { column, descending: false } };
      if (!q.sort.descending) return { ...q, sort: { column, descending: true } };
      return { filters: q.filters };
    });
  const width = NUM_W + data.columns.length * COL_W;
  const template = `${NUM_W}px repeat(${data.columns.length}, ${COL_W}px)`;
  const rows = [];
  for (let i = first; i <= last && data.total > 0; i++) {
    const r = data.row(i);
    rows.push(
      <div className="weft-ptable-row" key={i} style={{ gridTemplateColumns: template, height: ROW_H }} data-row={i}>
        <span className="weft-ptable-num">{r?.number ?? ''}</span>
        {data.columns.map((c, j) => (
          <span key={c.name} className={typeof r?.cells[j] === 'number' ? 'num' : ''}>
            {r ? cell(r.cells[j] ?? null) : '…'}
          </span>
        ))}
      </div>,
    );
  }
  return (
    <div className="weft-ptable" data-testid="data-table">
      <div className="weft-ptable-status" data-testid="data-table-status">
        {data.total.toLocaleString('en')} of {data.rowCount.toLocaleString('en')} rows
        {query.sort && ` · sorted by ${query.sort.column} ${query.sort.descending ? '↓' : '↑'}`}
        {data.error && <span className="weft-error-text"> · {data.error}</span>}
      </div>
      <div
        className="weft-ptable-scroll"
        ref={box}
        style={{ height: Math.min(viewH, Math.max(1, data.total) * ROW_H) + 2 * ROW_H + 18 }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div className="weft-ptable-head" style={{ width, gridTemplateColumns: template }}>
          <span className="weft-ptable-num">#</span>
          {data.columns.map((c) => (
            <button
              type="button"
              key={c.name}
              title={`${c.name} (${c.type}): click to sort`}
              onClick={() => sortBy(c.name)}
              data-testid={`sort-${c.name}`}
            >
              {c.name}
              {query.sort?.column === c.name ? (query.sort.descending ? ' ↓' : ' ↑') : ''}
            </button>
          ))}
          <span className="weft-ptable-num" />
          {data.columns.map((c) => (
            <input
              key={c.name}
              placeholder={c.type === 'number' || c.type === 'integer' ? '>5, 1..3' : 'contains'}
              aria-label={`filter ${c.name}`}
              value={typed[c.name] ?? ''}
              onChange={(e) => setTyped({ ...typed, [c.name]: e.target.value })}
              data-testid={`filter-${c.name}`}
            />
          ))}
        </div>
        <div className="weft-ptable-body" style={{ height: bodyH, width }}>
          <div style={{ transform: `translateY(${shift}px)` }}>{rows}</div>
        </div>
      </div>
    </div>
  );
}
