import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PipelineDocument } from '../../core/common';
import { sortRuns, type RunDiff, type RunListing, type RunRecord, type RunSortKey } from '../../core/common/runs';
import type { RunProblemView } from '../../core/common/protocol/runsApi';
import { LearningCurves } from './LearningCurves';
import { RunDiffView } from './RunDiffView';
import type { RunsClient } from './runsClient';
import { RunsTable } from './RunsTable';
import './runs.css';

export interface RunsViewProps {
  client: RunsClient;
  /** Opens a run's pipeline snapshot on the canvas (as a new, unsaved document). */
  onOpenPipeline?: (document: PipelineDocument, title: string, run: RunRecord) => void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The runs view: every recorded run in a sortable table, the selected runs' learning curves
 * overlaid, a side-by-side diff when two are selected, and "open this run's pipeline".
 */
export function RunsView({ client, onOpenPipeline }: RunsViewProps) {
  const [runs, setRuns] = useState<RunListing[]>([]);
  const [problems, setProblems] = useState<RunProblemView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: RunSortKey; dir: 'asc' | 'desc' }>({ key: 'startedAt', dir: 'desc' });
  const [selected, setSelected] = useState<string[]>([]);
  const [records, setRecords] = useState<Record<string, RunRecord>>({});
  const [diff, setDiff] = useState<RunDiff | null>(null);

  const refresh = useCallback(async () => {
    try {
      const list = await client.call('runs.list', {});
      setRuns(list.runs);
      setProblems(list.problems);
      setRecords({});
      setSelected((s) => s.filter((id) => list.runs.some((r) => r.id === id)));
      setError(null);
    } catch (e) {
      setError(message(e));
    }
  }, [client]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    const missing = selected.filter((id) => !records[id]);
    if (!missing.length) return undefined;
    let live = true;
    Promise.all(missing.map((id) => client.call('runs.get', { id })))
      .then((got) => {
        if (live) setRecords((r) => ({ ...r, ...Object.fromEntries(got.map((g) => [g.id, g])) }));
      })
      .catch((e: unknown) => live && setError(message(e)));
    return () => {
      live = false;
    };
  }, [client, selected, records]);

  const [first, second] = selected;
  useEffect(() => {
    setDiff(null);
    if (selected.length !== 2 || !first || !second) return undefined;
    let live = true;
    client
      .call('runs.diff', { a: first, b: second })
      .then((d) => live && setDiff(d))
      .catch((e: unknown) => live && setError(message(e)));
    return () => {
      live = false;
    };
  }, [client, selected.length, first, second]);

  const sorted = useMemo(() => sortRuns(runs, sort.key, sort.dir), [runs, sort]);
  const selectedRecords = useMemo(
    () => selected.map((id) => records[id]).filter((r): r is RunRecord => Boolean(r)),
    [selected, records],
  );
  const onSort = (key: RunSortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key.startsWith('metric:') || key === 'startedAt' ? 'desc' : 'asc' },
    );
  const onToggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  const remove = async () => {
    if (!selected.length) return;
    try {
      await client.call('runs.remove', { ids: selected });
      setSelected([]);
      await refresh();
    } catch (e) {
      setError(message(e));
    }
  };

  const single = selected.length === 1 && first ? records[first] : undefined;
  const a = first ? records[first] : undefined;
  const b = second ? records[second] : undefined;

  return (
    <section className="runs-view" aria-label="Runs" data-testid="runs-view">
      <div className="runs-toolbar">
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
        <button
          type="button"
          disabled={!single || !onOpenPipeline}
          onClick={() =>
            single &&
            onOpenPipeline?.(
              single.pipeline.document as PipelineDocument,
              `${single.pipeline.name ?? 'run'} @ ${single.id.slice(0, 8)}`,
              single,
            )
          }
        >
          Open this run’s pipeline
        </button>
        <button type="button" disabled={!selected.length} onClick={() => void remove()}>
          Delete {selected.length > 1 ? `${selected.length} runs` : 'run'}
        </button>
        <span className="runs-count">
          {runs.length} run{runs.length === 1 ? '' : 's'}
          {selected.length ? `, ${selected.length} selected` : ''}
        </span>
      </div>
      {error ? (
        <p className="runs-error" role="alert">
          {error}
        </p>
      ) : null}
      {problems.length ? (
        <details className="runs-problems">
          <summary>
            {problems.length} unreadable run record{problems.length === 1 ? '' : 's'} skipped
          </summary>
          <ul>
            {problems.map((p) => (
              <li key={p.id}>{p.error}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {runs.length ? (
        <div className="runs-table-wrap">
          <RunsTable runs={sorted} sort={sort} onSort={onSort} selected={selected} onToggle={onToggle} />
        </div>
      ) : (
        <p className="runs-hint">No runs recorded yet. Every run of a pipeline is recorded here.</p>
      )}
      <div className="runs-panels">
        <div className="runs-panel">
          <h3>Learning curves</h3>
          <LearningCurves records={selectedRecords} />
        </div>
        <div className="runs-panel">
          <h3>Compare</h3>
          {selected.length === 2 ? (
            diff && a && b ? (
              <RunDiffView a={a} b={b} diff={diff} />
            ) : (
              <p className="runs-hint">Comparing…</p>
            )
          ) : (
            <p className="runs-hint">Select two runs to compare them side by side.</p>
          )}
        </div>
      </div>
    </section>
  );
}
