import { useCallback, useEffect, useRef, useState } from 'react';
import type { RowsPage } from '../../../core/common';
import { engineClient } from '../../engine/client';

/** Rows are fetched in pages of this many. */
export const PAGE_ROWS = 100;

/** Which output of which node, and which split of a dataset. */
export interface DataRef {
  nodeId: string;
  /** The run that produced it: a new run fetches again. */
  runId?: string;
  /** A recorded run whose kept value to read (a past run's results); the last run's when absent. */
  run?: string;
  port: string;
  split?: string;
}

export interface TableQuery {
  sort?: { column: string; descending: boolean };
  filters: Record<string, string>;
}

export interface PagedRows {
  columns: RowsPage['columns'];
  rowCount: number;
  /** Rows the filters keep. */
  total: number;
  /** Row `i` of the filtered, sorted table, or undefined while its page loads. */
  row(i: number): { cells: RowsPage['rows'][number]; number: number } | undefined;
  /** Asks for the pages that hold rows `first..last`. */
  want(first: number, last: number): void;
  error?: string;
}

/**
 * Pages of a node's table from the engine (`engine.rows`), fetched as they scroll into view and
 * kept until the query changes; the engine sorts and filters every row, the renderer holds only
 * the pages it has shown.
 */
export function usePagedRows(ref: DataRef, query: TableQuery): PagedRows {
  const [pages, setPages] = useState<Map<number, RowsPage>>(new Map());
  const [head, setHead] = useState<Pick<RowsPage, 'columns' | 'rowCount' | 'total'>>();
  const [error, setError] = useState<string>();
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const key = JSON.stringify([ref.nodeId, ref.runId ?? null, ref.run ?? null, ref.port, ref.split ?? null, query]);

  const load = useCallback(
    (page: number) => {
      if (inFlight.current.has(page)) return;
      inFlight.current.add(page);
      const gen = generation.current;
      const filters = Object.entries(query.filters)
        .filter(([, text]) => text.trim() !== '')
        .map(([column, text]) => ({ column, text }));
      engineClient()
        .invoke('engine.rows', {
          ...(ref.run ? { run: ref.run } : {}),
          nodeId: ref.nodeId,
          port: ref.port,
          ...(ref.split ? { split: ref.split } : {}),
          offset: page * PAGE_ROWS,
          limit: PAGE_ROWS,
          ...(query.sort ? { sort: query.sort } : {}),
          ...(filters.length ? { filters } : {}),
        })
        .then(
          (got) => {
            if (gen !== generation.current) return;
            setError(undefined);
            setHead({ columns: got.columns, rowCount: got.rowCount, total: got.total });
            setPages((m) => new Map(m).set(page, got));
          },
          (e: unknown) => {
            if (gen !== generation.current) return;
            inFlight.current.delete(page);
            setError(e instanceof Error ? e.message : String(e));
          },
        );
    },
    [key],
  );

  useEffect(() => {
    generation.current++;
    inFlight.current = new Set();
    setPages(new Map());
    load(0);
  }, [load]);

  const want = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / PAGE_ROWS); p <= Math.floor(last / PAGE_ROWS); p++)
        if (!inFlight.current.has(p)) load(p);
    },
    [load],
  );

  return {
    columns: head?.columns ?? [],
    rowCount: head?.rowCount ?? 0,
    total: head?.total ?? 0,
    row(i) {
      const page = pages.get(Math.floor(i / PAGE_ROWS));
      const k = i % PAGE_ROWS;
      if (!page || k >= page.rows.length) return undefined;
      return { cells: page.rows[k], number: page.rowNumbers[k] };
    },
    want,
    ...(error ? { error } : {}),
  };
}
