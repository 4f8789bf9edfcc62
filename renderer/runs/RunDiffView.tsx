import type { ReactNode } from 'react';
import {
  formatDelta,
  formatDuration,
  formatFingerprint,
  formatMetric,
  formatTimestamp,
  type RunDiff,
  type RunRecord,
} from '../../core/common/runs';

export interface RunDiffViewProps {
  a: RunRecord;
  b: RunRecord;
  diff: RunDiff;
}

const show = (v: unknown): string => (v === undefined ? '(unset)' : (JSON.stringify(v) ?? 'null'));

function Section({ title, rows, empty }: { title: string; rows: ReactNode[]; empty: string }) {
  return (
    <>
      <tr className="runs-diff-section">
        <th colSpan={4}>{title}</th>
      </tr>
      {rows.length ? (
        rows
      ) : (
        <tr className="runs-diff-same">
          <td colSpan={4}>{empty}</td>
        </tr>
      )}
    </>
  );
}

/** Two runs side by side: what changed in the pipeline, params, data and environment, and the metric deltas. */
export function RunDiffView({ a, b, diff }: RunDiffViewProps) {
  const p = diff.pipeline;
  const row = (key: string, label: string, va: ReactNode, vb: ReactNode, extra: ReactNode = '') => (
    <tr key={key} className="runs-diff-changed">
      <td>{label}</td>
      <td>{va}</td>
      <td>{vb}</td>
      <td>{extra}</td>
    </tr>
  );
  const structure = [
    ...p.addedNodes.map((n) => row(`+${n.id}`, `node ${n.id}`, '—', n.type, 'added')),
    ...p.removedNodes.map((n) => row(`-${n.id}`, `node ${n.id}`, n.type, '—', 'removed')),
    ...p.typeChanges.map((c) => row(`~${c.id}`, `node ${c.id}`, c.from, c.to, 'type changed')),
    ...p.versionChanges.map((c) => row(`v${c.id}`, `node ${c.id}`, `v${c.from}`, `v${c.to}`, 'version')),
    ...p.addedEdges.map((e) => row(`+${e}`, 'edge', '—', e, 'added')),
    ...p.removedEdges.map((e) => row(`-${e}`, 'edge', e, '—', 'removed')),
  ];
  const params = [
    ...p.params.map((c) => row(`${c.node}.${c.path}`, `${c.node}.${c.path}`, show(c.from), show(c.to))),
    ...p.metadata.map((c) => row(`meta.${c.key}`, `metadata.${c.key}`, show(c.from), show(c.to))),
  ];
  const data = diff.datasets.map((d) =>
    row(`${d.node}:${d.path}`, `${d.node} ${d.path}`, formatFingerprint(d.from), formatFingerprint(d.to)),
  );
  const metrics = diff.metrics.map((m) => (
    <tr key={m.key} className={m.delta === 0 ? 'runs-diff-same' : 'runs-diff-changed'}>
      <td>{m.key}</td>
      <td>{formatMetric(m.a)}</td>
      <td>{formatMetric(m.b)}</td>
      <td className={m.delta === undefined || m.delta === 0 ? '' : m.delta > 0 ? 'runs-up' : 'runs-down'}>
        {formatDelta(m.delta)}
      </td>
    </tr>
  ));
  const env = diff.environment.map((e) => row(`env.${e.key}`, e.key, e.from ?? '—', e.to ?? '—'));
  return (
    <table className="runs-diff" data-testid="runs-diff">
      <thead>
        <tr>
          <th />
          <th title={a.id}>{a.id.slice(0, 8)}</th>
          <th title={b.id}>{b.id.slice(0, 8)}</th>
          <th>Δ</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>status</td>
          <td>{a.status}</td>
          <td>{b.status}</td>
          <td />
        </tr>
        <tr>
          <td>started</td>
          <td>{formatTimestamp(a.startedAt)}</td>
          <td>{formatTimestamp(b.startedAt)}</td>
          <td />
        </tr>
        <tr>
          <td>duration</td>
          <td>{formatDuration(a.durationMs)}</td>
          <td>{formatDuration(b.durationMs)}</td>
          <td />
        </tr>
        <tr>
          <td>seed</td>
          <td>{a.seed ?? '—'}</td>
          <td>{b.seed ?? '—'}</td>
          <td />
        </tr>
        <Section title="Pipeline" rows={structure} empty="same nodes and edges" />
        <Section title="Parameters" rows={params} empty="same parameters" />
        <Section title="Data" rows={data} empty="same data files" />
        <Section title="Metrics" rows={metrics} empty="no final metrics recorded" />
        {env.length ? <Section title="Environment" rows={env} empty="" /> : null}
      </tbody>
    </table>
  );
}
