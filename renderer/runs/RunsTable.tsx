import {
  formatDuration,
  formatMetric,
  formatTimestamp,
  metricColumns,
  metricDeltas,
  metricDirection,
  metricOf,
  type RunListing,
  type RunSortKey,
} from '../../core/common/runs';

export interface RunsTableProps {
  runs: readonly RunListing[];
  sort: { key: RunSortKey; dir: 'asc' | 'desc' };
  onSort: (key: RunSortKey) => void;
  selected: readonly string[];
  onToggle: (id: string) => void;
}

const fixedColumns: { key: RunSortKey; title: string }[] = [
  { key: 'id', title: 'Run' },
  { key: 'status', title: 'Status' },
  { key: 'startedAt', title: 'Started' },
  { key: 'durationMs', title: 'Duration' },
  { key: 'name', title: 'Pipeline' },
];

const signed = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${formatMetric(Math.abs(v))}`;

const directionWords = { up: 'higher is better', down: 'lower is better' } as const;

/**
 * The runs as rows, one column per metric name (the node that reported it on hover) followed by
 * its change from the previous run of the same pipeline, green where better, red where worse; a
 * header click sorts by it.
 */
export function RunsTable({ runs, sort, onSort, selected, onToggle }: RunsTableProps) {
  const metrics = metricColumns(runs);
  const deltas = new Map(metrics.map((m) => [m, metricDeltas(runs, m)]));
  const header = (key: RunSortKey, title: string) => (
    <th
      key={key}
      aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      onClick={() => onSort(key)}
      className="runs-sortable"
      title={`sort by ${title}`}
      data-testid={`runs-col-${key}`}
    >
      {title}
      {sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </th>
  );
  return (
    <table className="runs-table" data-testid="runs-table">
      <thead>
        <tr>
          <th aria-label="select" />
          {fixedColumns.map((c) => header(c.key, c.title))}
          {metrics.flatMap((m) => {
            const dir = metricDirection(m);
            return [
              header(`metric:${m}`, m),
              <th
                key={`delta:${m}`}
                className="runs-delta-head"
                title={`change from the previous run of the same pipeline; ${dir ? directionWords[dir] : 'no better direction'}`}
              >
                Δ {m}
                {dir === 'up' ? ' ↑' : dir === 'down' ? ' ↓' : ''}
              </th>,
            ];
          })}
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => {
          const isSelected = selected.includes(r.id);
          return (
            <tr
              key={r.id}
              data-run-id={r.id}
              className={isSelected ? 'runs-row selected' : 'runs-row'}
              onClick={() => onToggle(r.id)}
            >
              <td>
                <input
                  type="checkbox"
                  checked={isSelected}
                  onChange={() => onToggle(r.id)}
                  onClick={(e) => e.stopPropagation()}
                  aria-label={`select run ${r.id}`}
                />
              </td>
              <td className="runs-id" title={r.id}>
                {r.id.slice(0, 8)}
                {r.rerunOf ? (
                  <span className="runs-rerun" title={`rerun of ${r.rerunOf}`}>
                    {' '}
                    ↻
                  </span>
                ) : null}
              </td>
              <td className={`runs-status runs-status-${r.status}`}>{r.status}</td>
              <td>{formatTimestamp(r.startedAt)}</td>
              <td>{formatDuration(r.durationMs)}</td>
              <td title={r.file}>{r.name ?? r.file ?? ''}</td>
              {metrics.flatMap((m) => {
                const cell = metricOf(r, m);
                const d = deltas.get(m)?.get(r.id);
                return [
                  <td
                    key={m}
                    className="runs-metric"
                    title={cell?.sources.map((s) => `${s.label}: ${formatMetric(s.value)}`).join('\n')}
                  >
                    {cell ? formatMetric(cell.value) : ''}
                  </td>,
                  <td
                    key={`delta:${m}`}
                    className={`runs-metric runs-delta${d ? ` runs-delta-${d.verdict}` : ''}`}
                    title={d ? `from run ${d.from.slice(0, 8)}` : undefined}
                    data-testid={d ? `delta-${m}` : undefined}
                  >
                    {d ? signed(d.delta) : ''}
                  </td>,
                ];
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
