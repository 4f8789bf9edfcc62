import {
  formatDuration,
  formatMetric,
  formatTimestamp,
  metricColumns,
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

/** The runs as rows, one column per final metric; a header click sorts by it. */
export function RunsTable({ runs, sort, onSort, selected, onToggle }: RunsTableProps) {
  const metrics = metricColumns(runs);
  const header = (key: RunSortKey, title: string) => (
    <th
      key={key}
      aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      onClick={() => onSort(key)}
      className="runs-sortable"
      title={`sort by ${title}`}
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
          {metrics.map((m) => header(`metric:${m}`, m))}
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
              {metrics.map((m) => (
                <td key={m} className="runs-metric">
                  {r.metrics[m] === undefined ? '' : formatMetric(r.metrics[m])}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
