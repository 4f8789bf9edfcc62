import type { RunListing, RunRecord } from './runRecord';

/** A column of the runs table: a listing field or a final metric by name (`metric:<name>`). */
export type RunSortKey = 'id' | 'status' | 'startedAt' | 'durationMs' | 'name' | `metric:${string}`;

/** A run's metrics are keyed `<node>.<name>`; node ids have no dot. */
function splitKey(key: string): { node: string; name: string } {
  const at = key.indexOf('.');
  return at < 0 ? { node: '', name: key } : { node: key.slice(0, at), name: key.slice(at + 1) };
}

/** Every final metric name across the runs (whichever node reported it), sorted. */
export function metricColumns(runs: readonly RunListing[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.metrics).map((k) => splitKey(k).name)))].sort();
}

/** One run's value of a metric name: from an evaluation node when several nodes report it, the others listed. */
export interface MetricCell {
  value: number;
  node: string;
  sources: { node: string; label: string; value: number }[];
}

/** A node as the runs table names it: its label, else its type, with the id. */
export function nodeName(run: RunListing, node: string): string {
  const info = run.metricNodes?.[node];
  return info?.label ? `${info.label} (${node})` : info ? `${node} · ${info.type}` : node;
}

export function metricOf(run: RunListing, name: string): MetricCell | undefined {
  const sources = Object.entries(run.metrics)
    .map(([k, value]) => ({ ...splitKey(k), value }))
    .filter((s) => s.name === name)
    .map((s) => ({ node: s.node, label: nodeName(run, s.node), value: s.value }));
  if (!sources.length) return undefined;
  const isEval = (node: string): boolean => run.metricNodes?.[node]?.type.startsWith('eval.') ?? false;
  sources.sort((a, b) => Number(isEval(b.node)) - Number(isEval(a.node)) || a.node.localeCompare(b.node));
  return { value: sources[0].value, node: sources[0].node, sources };
}

/**
 * Which way a metric improves, read from its name: losses and errors (`loss`, `val_loss`,
 * `log_loss`, `mse`, `rmse`, `mae`) go down; scores (`accuracy`, `f1_macro`, `roc_auc`, `r2`,
 * precision, recall) go up; counts and spreads (`iterations`, `*_std`) have no better direction.
 */
export function metricDirection(name: string): 'up' | 'down' | undefined {
  const words = name.toLowerCase().split(/[^a-z0-9]+/);
  if (words.includes('std')) return undefined;
  if (words.some((w) => ['loss', 'mse', 'rmse', 'mae', 'error'].includes(w))) return 'down';
  if (words.some((w) => ['accuracy', 'f1', 'auc', 'r2', 'precision', 'recall'].includes(w))) return 'up';
  return undefined;
}

/**
 * Each run's change in a metric from the previous run (by start time) of the same pipeline that
 * reported it, and whether that change is better, worse or neither (no direction, or no change).
 */
export function metricDeltas(
  runs: readonly RunListing[],
  name: string,
): Map<string, { delta: number; from: string; verdict: 'better' | 'worse' | 'same' }> {
  const dir = metricDirection(name);
  const out = new Map<string, { delta: number; from: string; verdict: 'better' | 'worse' | 'same' }>();
  const last = new Map<string, { id: string; value: number }>();
  for (const r of [...runs].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id))) {
    const cell = metricOf(r, name);
    if (!cell || !Number.isFinite(cell.value)) continue;
    const pipeline = r.name ?? r.file ?? '';
    const prev = last.get(pipeline);
    if (prev) {
      const delta = cell.value - prev.value;
      const verdict = !dir || delta === 0 ? 'same' : delta > 0 === (dir === 'up') ? 'better' : 'worse';
      out.set(r.id, { delta, from: prev.id, verdict });
    }
    last.set(pipeline, { id: r.id, value: cell.value });
  }
  return out;
}

function sortValue(r: RunListing, key: RunSortKey): string | number | undefined {
  if (key.startsWith('metric:')) return metricOf(r, key.slice('metric:'.length))?.value;
  switch (key) {
    case 'id':
      return r.id;
    case 'status':
      return r.status;
    case 'startedAt':
      return r.startedAt;
    case 'durationMs':
      return r.durationMs;
    case 'name':
      return r.name ?? r.file;
    default:
      return undefined;
  }
}

/** Runs ordered by one column; runs without a value (or NaN) go last in either direction. */
export function sortRuns(runs: readonly RunListing[], key: RunSortKey, dir: 'asc' | 'desc'): RunListing[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    const ma = va === undefined || (typeof va === 'number' && Number.isNaN(va));
    const mb = vb === undefined || (typeof vb === 'number' && Number.isNaN(vb));
    if (ma || mb) return ma === mb ? a.id.localeCompare(b.id) : ma ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c === 0 ? a.id.localeCompare(b.id) : sign * c;
  });
}

/** Every per-epoch metric name across the runs, sorted (`loss` first when present). */
export function curveMetrics(records: readonly RunRecord[]): string[] {
  const names = new Set<string>();
  for (const r of records)
    for (const list of Object.values(r.epochs))
      for (const e of list) for (const k of Object.keys(e.metrics)) names.add(k);
  return [...names].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
}

export interface CurveSeries {
  runId: string;
  node: string;
  label: string;
  /** One value per entry of `epochs`; null where this run has no such epoch (or a non-finite value). */
  values: (number | null)[];
}

/** One metric's learning curves of several runs on a shared epoch axis, ready for a plot. */
export function curveData(records: readonly RunRecord[], metric: string): { epochs: number[]; series: CurveSeries[] } {
  const epochSet = new Set<number>();
  const raw: { runId: string; node: string; points: Map<number, number> }[] = [];
  for (const r of records) {
    const nodes = Object.keys(r.epochs);
    for (const node of nodes) {
      const points = new Map<number, number>();
      for (const e of r.epochs[node] ?? []) {
        const v = e.metrics[metric];
        if (v === undefined) continue;
        points.set(e.epoch, v);
        epochSet.add(e.epoch);
      }
      if (points.size) raw.push({ runId: r.id, node, points });
    }
  }
  const epochs = [...epochSet].sort((a, b) => a - b);
  const perRun = new Map<string, number>();
  for (const s of raw) perRun.set(s.runId, (perRun.get(s.runId) ?? 0) + 1);
  const series = raw.map((s) => ({
    runId: s.runId,
    node: s.node,
    label: (perRun.get(s.runId) ?? 0) > 1 ? `${s.runId.slice(0, 8)} ${s.node}` : s.runId.slice(0, 8),
    values: epochs.map((ep) => {
      const v = s.points.get(ep);
      return v === undefined || !Number.isFinite(v) ? null : v;
    }),
  }));
  return { epochs, series };
}
