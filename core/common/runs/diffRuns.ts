import { edgeId, type PipelineDocument } from '../graph/document';
import type { RunRecord } from './runRecord';

export interface NodeRef {
  id: string;
  type: string;
}

/** One param that differs: `path` is dotted below the node (`optimizer.lr`); absent = undefined. */
export interface ParamChange {
  node: string;
  path: string;
  from: unknown;
  to: unknown;
}

export interface PipelineDiff {
  addedNodes: NodeRef[];
  removedNodes: NodeRef[];
  typeChanges: { id: string; from: string; to: string }[];
  /** Same id and type, different type version. */
  versionChanges: { id: string; from: number; to: number }[];
  addedEdges: string[];
  removedEdges: string[];
  params: ParamChange[];
  /** `metadata` fields other than name/description/dates (e.g. `seed`). */
  metadata: { key: string; from: unknown; to: unknown }[];
}

export interface DatasetChange {
  node: string;
  path: string;
  from?: string;
  to?: string;
}

export interface MetricDelta {
  key: string;
  a?: number;
  b?: number;
  /** `b - a` where both exist. */
  delta?: number;
}

export interface RunDiff {
  a: string;
  b: string;
  pipeline: PipelineDiff;
  datasets: DatasetChange[];
  metrics: MetricDelta[];
  environment: { key: string; from?: string; to?: string }[];
  /** True when pipeline, params, seeds and datasets are all equal. */
  sameInputs: boolean;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

/** Structural equality for JSON-like values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Differences between two param values, as dotted paths; arrays compare as wholes. */
export function diffParams(from: unknown, to: unknown, prefix = ''): { path: string; from: unknown; to: unknown }[] {
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((k) => diffParams(from[k], to[k], prefix ? `${prefix}.${k}` : k));
  }
  return deepEqual(from, to) ? [] : [{ path: prefix, from, to }];
}

const IGNORED_METADATA = new Set(['name', 'description', 'created', 'modified']);

/**
 * Structural diff of two pipelines: nodes matched by id, edges by endpoints, params compared
 * after `resolve` (pass the schema-parsed params so a spelled-out default is no change).
 */
export function diffPipelines(
  a: PipelineDocument,
  b: PipelineDocument,
  resolve: (doc: 'a' | 'b', nodeId: string, raw: Record<string, unknown>) => unknown = (_d, _id, raw) => raw,
): PipelineDiff {
  const an = new Map(a.nodes.map((n) => [n.id, n]));
  const bn = new Map(b.nodes.map((n) => [n.id, n]));
  const diff: PipelineDiff = {
    addedNodes: b.nodes.filter((n) => !an.has(n.id)).map((n) => ({ id: n.id, type: n.type })),
    removedNodes: a.nodes.filter((n) => !bn.has(n.id)).map((n) => ({ id: n.id, type: n.type })),
    typeChanges: [],
    versionChanges: [],
    addedEdges: [],
    removedEdges: [],
    params: [],
    metadata: [],
  };
  for (const na of a.nodes) {
    const nb = bn.get(na.id);
    if (!nb) continue;
    if (na.type !== nb.type) {
      diff.typeChanges.push({ id: na.id, from: na.type, to: nb.type });
      continue;
    }
    if (na.version !== nb.version) diff.versionChanges.push({ id: na.id, from: na.version, to: nb.version });
    for (const c of diffParams(resolve('a', na.id, na.params), resolve('b', nb.id, nb.params))) {
      diff.params.push({ node: na.id, ...c });
    }
  }
  const ae = new Set(a.edges.map(edgeId));
  const be = new Set(b.edges.map(edgeId));
  diff.addedEdges = [...be].filter((e) => !ae.has(e)).sort();
  diff.removedEdges = [...ae].filter((e) => !be.has(e)).sort();
  const metaKeys = [...new Set([...Object.keys(a.metadata), ...Object.keys(b.metadata)])].filter(
    (k) => !IGNORED_METADATA.has(k),
  );
  for (const key of metaKeys.sort()) {
    if (!deepEqual(a.metadata[key], b.metadata[key]))
      diff.metadata.push({ key, from: a.metadata[key], to: b.metadata[key] });
  }
  return diff;
}

export function isEmptyPipelineDiff(d: PipelineDiff): boolean {
  return (
    !d.addedNodes.length &&
    !d.removedNodes.length &&
    !d.typeChanges.length &&
    !d.versionChanges.length &&
    !d.addedEdges.length &&
    !d.removedEdges.length &&
    !d.params.length &&
    !d.metadata.length
  );
}

/** Changes in the data files two runs read, matched by node id and path as written. */
export function diffDatasets(a: RunRecord['datasets'], b: RunRecord['datasets']): DatasetChange[] {
  const key = (d: { node: string; path: string }): string => `${d.node}\u0000${d.path}`;
  const am = new Map(a.map((d) => [key(d), d]));
  const bm = new Map(b.map((d) => [key(d), d]));
  const out: DatasetChange[] = [];
  for (const k of [...new Set([...am.keys(), ...bm.keys()])].sort()) {
    const da = am.get(k);
    const db = bm.get(k);
    if (da?.fingerprint === db?.fingerprint) continue;
    const ref = (da ?? db) as { node: string; path: string };
    out.push({
      node: ref.node,
      path: ref.path,
      ...(da ? { from: da.fingerprint } : {}),
      ...(db ? { to: db.fingerprint } : {}),
    });
  }
  return out;
}

/** Every final metric of either run, with `b - a` where both have it. */
export function diffMetrics(a: Record<string, number>, b: Record<string, number>): MetricDelta[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().map((key) => {
    const va = a[key];
    const vb = b[key];
    return {
      key,
      ...(va !== undefined ? { a: va } : {}),
      ...(vb !== undefined ? { b: vb } : {}),
      ...(va !== undefined && vb !== undefined ? { delta: vb - va } : {}),
    };
  });
}

/** The environment of a run as the fields a diff compares; absent values are undefined. */
function environmentFields(r: RunRecord): Record<string, string | undefined> {
  const e = r.environment;
  return {
    weft: e.weft,
    onnxruntime: e.onnxruntime,
    node: e.node,
    platform: `${e.platform}-${e.arch}`,
    provider: [...new Set(Object.values(e.providers))].sort().join(',') || undefined,
  };
}

/** Compares two recorded runs: pipeline structure, params, data files, final metrics and environment. */
export function diffRuns(a: RunRecord, b: RunRecord): RunDiff {
  const resolved = (r: RunRecord) => (id: string, raw: Record<string, unknown>) =>
    r.nodes[id] && r.nodes[id].params !== undefined ? r.nodes[id].params : raw;
  const ra = resolved(a);
  const rb = resolved(b);
  const pipeline = diffPipelines(
    a.pipeline.document as PipelineDocument,
    b.pipeline.document as PipelineDocument,
    (doc, id, raw) => (doc === 'a' ? ra(id, raw) : rb(id, raw)),
  );
  const datasets = diffDatasets(a.datasets, b.datasets);
  const env: RunDiff['environment'] = [];
  const envA = environmentFields(a);
  const envB = environmentFields(b);
  for (const key of Object.keys(envA)) {
    if (envA[key] !== envB[key])
      env.push({ key, ...(envA[key] ? { from: envA[key] } : {}), ...(envB[key] ? { to: envB[key] } : {}) });
  }
  return {
    a: a.id,
    b: b.id,
    pipeline,
    datasets,
    metrics: diffMetrics(a.metrics, b.metrics),
    environment: env,
    sameInputs: isEmptyPipelineDiff(pipeline) && !datasets.length && a.seed === b.seed,
  };
}
