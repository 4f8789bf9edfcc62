import type { RunDiff } from './diffRuns';
import { appendAll } from '../arrays';

const show = (v: unknown): string => (v === undefined ? '(unset)' : (JSON.stringify(v) ?? 'null'));

/** A metric value with up to 6 significant digits, and a signed delta. */
export function formatMetric(v: number | undefined): string {
  if (v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

export function formatDelta(d: number | undefined): string {
  if (d === undefined) return '';
  if (d === 0) return '±0';
  return `${d > 0 ? '+' : ''}${formatMetric(d)}`;
}

/** A data fingerprint for people: `3716 bytes, sha256 91eb642c3adb…`, `missing`, `(none)`. */
export function formatFingerprint(fp: string | undefined): string {
  if (fp === undefined) return '(none)';
  if (fp.startsWith('missing:')) return 'missing';
  const m = /^(\d+):([0-9a-f]{12})/.exec(fp);
  return m ? `${m[1]} bytes, sha256 ${m[2]}…` : fp;
}

/** The diff as plain text lines, one change per line, grouped by section. */
export function formatRunDiff(d: RunDiff): string[] {
  const lines: string[] = [`runs ${d.a} → ${d.b}`];
  const p = d.pipeline;
  const structure = [
    ...p.addedNodes.map((n) => `  + node ${n.id} (${n.type})`),
    ...p.removedNodes.map((n) => `  - node ${n.id} (${n.type})`),
    ...p.typeChanges.map((c) => `  ~ node ${c.id}: type ${c.from} → ${c.to}`),
    ...p.versionChanges.map((c) => `  ~ node ${c.id}: version ${c.from} → ${c.to}`),
    ...p.addedEdges.map((e) => `  + edge ${e}`),
    ...p.removedEdges.map((e) => `  - edge ${e}`),
  ];
  lines.push(structure.length ? 'pipeline:' : 'pipeline: same structure');
  appendAll(lines, structure);
  const params = [
    ...p.params.map((c) => `  ${c.node}.${c.path}: ${show(c.from)} → ${show(c.to)}`),
    ...p.metadata.map((c) => `  metadata.${c.key}: ${show(c.from)} → ${show(c.to)}`),
  ];
  lines.push(params.length ? 'params:' : 'params: same');
  appendAll(lines, params);
  lines.push(d.datasets.length ? 'data:' : 'data: same files');
  appendAll(
    lines,
    d.datasets.map((c) => `  ${c.node} ${c.path}: ${formatFingerprint(c.from)} → ${formatFingerprint(c.to)}`),
  );
  const metrics = d.metrics.filter((m) => m.delta !== 0);
  lines.push(metrics.length ? 'metrics:' : d.metrics.length ? 'metrics: identical' : 'metrics: none recorded');
  appendAll(
    lines,
    metrics.map(
      (m) =>
        `  ${m.key}: ${formatMetric(m.a)} → ${formatMetric(m.b)}${m.delta !== undefined ? ` (${formatDelta(m.delta)})` : ''}`,
    ),
  );
  if (d.environment.length) {
    lines.push('environment:');
    appendAll(
      lines,
      d.environment.map((e) => `  ${e.key}: ${e.from ?? '(none)'} → ${e.to ?? '(none)'}`),
    );
  }
  return lines;
}

/** `850 ms`, `12.3 s`, `4.5 min`; `—` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** Local `YYYY-MM-DD HH:MM:SS`. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
