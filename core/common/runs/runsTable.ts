import type { RunListing, RunRecord } from './runRecord';

/** A column of the runs table: a listing field or a final metric (`metric:<node>.<name>`). */
export type RunSortKey = 'id' | 'status' | 'startedAt' | 'durationMs' | 'name' | `metric:${string}`;

/** Every final metric key across the runs, sorted. */
export function metricColumns(runs: readonly RunListing[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
}

function sortValue(r: RunListing, key: RunSortKey): string | number | undefined {
  if (key.startsWith('metric:')) return r.metrics[key.slice('metric:'.length)];
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
