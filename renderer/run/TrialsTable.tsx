import { useState } from 'react';
import type { TrialUpdate } from '../../core/common';
import { bestSoFar, sortTrials, type TrialSortKey } from '../../core/common/search/trialsView';
import { UPlotChart, seriesColor } from '../results/UPlotChart';
import { TrialsPlots } from './TrialsPlots';

export interface TrialsTableProps {
  nodeId: string;
  trials: readonly TrialUpdate[];
  /** Opens a trial's recorded pipeline (its run id); no button when absent. */
  onOpen?: (recordId: string) => void;
}

const short = (v: unknown): string =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : JSON.stringify(v);

/** A search's trials as they run: status, values, last epoch, objective; a header click sorts. */
export function TrialsTable({ nodeId, trials, onOpen }: TrialsTableProps) {
  const [sort, setSort] = useState<{ key: TrialSortKey; dir: 'asc' | 'desc' }>({ key: 'index', dir: 'asc' });
  const params = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const metric = trials[0]?.metric ?? 'objective';
  const best = trials.at(-1)?.best?.index ?? [...trials].reverse().find((t) => t.best)?.best?.index;
  const curve = bestSoFar(trials, trials[0]?.maximize ?? true);
  const header = (key: TrialSortKey, title: string) => (
    <th
      aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      onClick={() => setSort({ key, dir: sort.key === key && sort.dir === 'desc' ? 'asc' : 'desc' })}
      className="runs-sortable"
      title={`sort by ${title}`}
    >
      {title}
      {sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </th>
  );
  return (
    <div className="weft-card" data-testid={`trials-${nodeId}`}>
      <h4>
        {nodeId}: {trials.filter((t) => t.status !== 'running').length} of {trials[0]?.of ?? 0} trials
        {best !== undefined ? `, best #${best}` : ''}
      </h4>
      <table className="runs-table">
        <thead>
          <tr>
            {header('index', '#')}
            {header('status', 'Status')}
            {params.map((p) => (
              <th key={p}>{p}</th>
            ))}
            <th>Epoch</th>
            {header('objective', metric)}
            {onOpen && <th aria-label="open" />}
          </tr>
        </thead>
        <tbody>
          {sortTrials(trials, sort.key, sort.dir).map((t) => (
            <tr key={t.index} className={t.index === best ? 'runs-row selected' : 'runs-row'} title={t.reason ?? ''}>
              <td>{t.index}</td>
              <td className={`runs-status runs-status-${t.status}`}>{t.status}</td>
              {params.map((p) => (
                <td key={p}>{short(t.params[p])}</td>
              ))}
              <td>
                {t.epoch ?? ''}
                {t.status === 'running' && t.value !== undefined ? ` (${t.epochMetric} ${t.value.toFixed(4)})` : ''}
              </td>
              <td className="num">{t.objective !== undefined ? t.objective.toFixed(4) : ''}</td>
              {onOpen && (
                <td>
                  {t.recordId && (
                    <button
                      type="button"
                      onClick={() => onOpen(t.recordId as string)}
                      title="open this trial's pipeline"
                    >
                      open
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <TrialsPlots trials={trials} />
      {curve.x.length > 1 && (
        <UPlotChart
          x={curve.x}
          series={[{ label: `best ${metric}`, values: curve.best, color: seriesColor(0), points: true }]}
          xLabel="trial"
          height={140}
        />
      )}
    </div>
  );
}
