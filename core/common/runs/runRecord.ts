import { z } from 'zod';
import { NodeSummarySchema } from '../protocol/events';
import { maxOf } from '../arrays';

export const RUN_FORMAT = 'weft.run';
export const RUN_FORMAT_VERSION = 1;

export const RunStatusSchema = z.enum(['running', 'finished', 'failed', 'cancelled', 'interrupted', 'pruned']);
/**
 * `interrupted`: the process that owned a `running` record died before it could finish it.
 * `pruned`: a search trial stopped early because it fell behind (ASHA).
 */
export type RecordedRunStatus = z.infer<typeof RunStatusSchema>;

/**
 * A metric as stored: JSON has no NaN or ±Infinity (a diverged loss), so `runJson` writes them as
 * the strings "NaN", "Infinity", "-Infinity" and this schema reads them back as numbers.
 */
export const MetricValueSchema = z.union([
  z.custom<number>((v) => typeof v === 'number', 'expected a number'),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number),
  z.null().transform(() => Number.NaN),
]);
export const MetricsSchema = z.record(z.string(), MetricValueSchema);

/** JSON for run files, keeping non-finite numbers (see MetricValueSchema). */
export function runJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    indent,
  );
}

const RecordedSummarySchema = NodeSummarySchema.extend({ metrics: MetricsSchema.optional() });

export const EpochEntrySchema = z.object({ epoch: z.number(), metrics: MetricsSchema });

export const RecordedNodeSchema = z.object({
  type: z.string(),
  version: z.number(),
  /** Params as the node's schema parsed them (defaults applied), so diffs ignore spelled-out defaults. */
  params: z.unknown(),
  status: z.enum(['pending', 'done', 'cached', 'failed', 'cancelled']).default('pending'),
  durationMs: z.number().optional(),
  error: z.string().optional(),
  summary: RecordedSummarySchema.optional(),
  /** The engine's cache key for this node: equal keys mean equal inputs, params and files. */
  key: z.string().optional(),
  /** When the node started running (ms since the epoch); set while it runs, so a killed run shows what was running. */
  startedAt: z.number().optional(),
});
export type RecordedNode = z.infer<typeof RecordedNodeSchema>;

export const DatasetFingerprintSchema = z.object({
  node: z.string(),
  /** The path as written in the node's params. */
  path: z.string(),
  /** Resolved against the pipeline's folder. */
  resolved: z.string(),
  /** `size:sha256` of the content, `missing:…` when the file was absent. */
  fingerprint: z.string(),
});
export type DatasetFingerprint = z.infer<typeof DatasetFingerprintSchema>;

export const ArtifactSchema = z.object({
  node: z.string(),
  kind: z.enum(['model', 'file']),
  /** Absolute path, or relative to the run's folder for models the store keeps itself. */
  path: z.string(),
  bytes: z.number().optional(),
  sha256: z.string().optional(),
});
export type RunArtifact = z.infer<typeof ArtifactSchema>;

/** What a search trial's run record adds: which search, which params, and how it ended. */
export const TrialSchema = z.object({
  /** The tune.search node that ran it. */
  node: z.string(),
  /** The search's definition key (its node's cache key): trials with equal keys belong to one search. */
  searchKey: z.string(),
  /** 0-based trial number within the search. */
  index: z.number().int().min(0),
  status: z.enum(['finished', 'pruned', 'failed']),
  /** The values this trial gave, by `node.param`. */
  params: z.record(z.string(), z.unknown()),
  /** The objective's metric name and value (finished trials). */
  metric: z.string(),
  objective: MetricValueSchema.optional(),
  /** The second objective (parameters, ONNX bytes or latency) when the search has one. */
  cost: MetricValueSchema.optional(),
  /** Epochs (or boosting iterations) it trained. */
  epochs: z.number().int().min(0).default(0),
  /** Why it was pruned or failed. */
  reason: z.string().optional(),
});
export type TrialRecord = z.input<typeof TrialSchema>;

export const RunRecordSchema = z.object({
  format: z.literal(RUN_FORMAT),
  formatVersion: z.literal(RUN_FORMAT_VERSION),
  id: z.string().regex(/^[a-z0-9-]+$/),
  status: RunStatusSchema,
  /** Epoch milliseconds. */
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
  /** The process writing this record while it is `running`. */
  owner: z.object({ pid: z.number(), host: z.string(), processStart: z.string().optional() }),
  pipeline: z.object({
    /** The pipeline file it ran from, when there was one. */
    file: z.string().optional(),
    name: z.string().optional(),
    /** Relative paths in params resolve against this folder. */
    baseDir: z.string(),
    /** The whole document as it ran. */
    document: z.unknown(),
  }),
  options: z.object({ only: z.string().optional(), noCache: z.boolean().optional() }).default({}),
  /** The document's `metadata.seed`, and every node param named `seed`, by node id. */
  seed: z.number().nullable().default(null),
  seeds: z.record(z.string(), z.number()).default({}),
  environment: z.object({
    weft: z.string(),
    onnxruntime: z.string().optional(),
    node: z.string(),
    platform: z.string(),
    arch: z.string(),
    /** Execution provider(s) nodes reported, e.g. `cpu`, `cuda`. */
    providers: z.record(z.string(), z.string()).default({}),
  }),
  nodes: z.record(z.string(), RecordedNodeSchema),
  datasets: z.array(DatasetFingerprintSchema).default([]),
  /** Per-epoch metrics by node id, in arrival order. */
  epochs: z.record(z.string(), z.array(EpochEntrySchema)).default({}),
  /** Final metrics flattened as `<node>.<metric>` from node summaries. */
  metrics: MetricsSchema.default({}),
  artifacts: z.array(ArtifactSchema).default([]),
  /** The run this one re-ran, when it came from `weft runs rerun`. */
  rerunOf: z.string().optional(),
  /** The run that started this one (a search trial's search run). */
  parent: z.string().optional(),
  trial: TrialSchema.optional(),
  /** How many lines of the run's append-only log this snapshot already contains. */
  logLines: z.number().int().min(0).default(0),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** One line of a run's append-only log: what happened since the last snapshot. */
export const RunLogEntrySchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('epoch'), node: z.string(), epoch: z.number(), metrics: MetricsSchema }),
  z.object({ t: z.literal('started'), node: z.string(), at: z.number() }),
  z.object({
    t: z.literal('node'),
    node: z.string(),
    status: z.enum(['done', 'cached', 'failed', 'cancelled']),
    durationMs: z.number().optional(),
    error: z.string().optional(),
    summary: RecordedSummarySchema.optional(),
  }),
]);
export type RunLogEntry = z.infer<typeof RunLogEntrySchema>;

/**
 * A running record whose process died: the run becomes `interrupted`, and each node that had started
 * but not finished is marked cancelled with the reason (it would otherwise show `pending`).
 */
export function markInterrupted(record: RunRecord, reason: string): RunRecord {
  const nodes = Object.fromEntries(
    Object.entries(record.nodes).map(([id, n]) => [
      id,
      n.status === 'pending' && n.startedAt !== undefined
        ? { ...n, status: 'cancelled' as const, error: `interrupted while running: ${reason}` }
        : n,
    ]),
  );
  return { ...record, status: 'interrupted', error: record.error ?? reason, nodes };
}

/** Flattens node summaries' metrics as `<node>.<metric>`. */
export function finalMetrics(nodes: Record<string, RecordedNode>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, n] of Object.entries(nodes)) {
    for (const [k, v] of Object.entries(n.summary?.metrics ?? {})) out[`${id}.${k}`] = v;
  }
  return out;
}

/** Applies one log line to a record (a new object; the input is left alone). */
export function applyLogEntry(record: RunRecord, entry: RunLogEntry): RunRecord {
  if (entry.t === 'epoch') {
    const list = [...(record.epochs[entry.node] ?? []), { epoch: entry.epoch, metrics: entry.metrics }];
    return { ...record, epochs: { ...record.epochs, [entry.node]: list }, logLines: record.logLines + 1 };
  }
  const prev = record.nodes[entry.node];
  if (entry.t === 'started') {
    const started: RecordedNode = {
      ...(prev ?? { type: 'unknown', version: 0, params: {}, status: 'pending' }),
      startedAt: entry.at,
    };
    return { ...record, nodes: { ...record.nodes, [entry.node]: started }, logLines: record.logLines + 1 };
  }
  const node: RecordedNode = {
    ...(prev ?? { type: 'unknown', version: 0, params: {} }),
    status: entry.status,
    ...(entry.durationMs !== undefined ? { durationMs: entry.durationMs } : {}),
    ...(entry.error !== undefined ? { error: entry.error } : {}),
    ...(entry.summary !== undefined ? { summary: entry.summary } : {}),
  };
  const nodes = { ...record.nodes, [entry.node]: node };
  const providers = entry.summary?.provider
    ? { ...record.environment.providers, [entry.node]: entry.summary.provider }
    : record.environment.providers;
  return {
    ...record,
    nodes,
    metrics: finalMetrics(nodes),
    environment: { ...record.environment, providers },
    logLines: record.logLines + 1,
  };
}

/** Splits the text of an append-only log into entries; a torn or corrupt line is counted, never fatal. */
export function parseRunLog(text: string): { entries: RunLogEntry[]; bad: number } {
  const entries: RunLogEntry[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = RunLogEntrySchema.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { entries, bad };
}

/** A short list-row view of a run. */
export interface RunListing {
  id: string;
  status: RecordedRunStatus;
  startedAt: number;
  durationMs?: number;
  name?: string;
  file?: string;
  seed: number | null;
  metrics: Record<string, number>;
  providers: string[];
  epochs: number;
  rerunOf?: string;
  /** The nodes that reported final metrics: their type and, where the user gave one, their label. */
  metricNodes?: Record<string, { type: string; label?: string }>;
  parent?: string;
  /** A search trial's number, status and objective. */
  trial?: { index: number; status: 'finished' | 'pruned' | 'failed'; metric: string; objective?: number };
}

function metricNodesOf(r: RunRecord): Record<string, { type: string; label?: string }> {
  const doc = r.pipeline.document as { nodes?: { id?: unknown; label?: unknown }[] } | null | undefined;
  const labels = new Map<string, string>();
  for (const n of Array.isArray(doc?.nodes) ? doc.nodes : [])
    if (typeof n.id === 'string' && typeof n.label === 'string' && n.label.trim()) labels.set(n.id, n.label);
  const out: Record<string, { type: string; label?: string }> = {};
  for (const [id, n] of Object.entries(r.nodes))
    if (n.summary?.metrics && Object.keys(n.summary.metrics).length)
      out[id] = { type: n.type, ...(labels.has(id) ? { label: labels.get(id)! } : {}) };
  return out;
}

export function toListing(r: RunRecord): RunListing {
  return {
    id: r.id,
    status: r.status,
    startedAt: r.startedAt,
    ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
    ...(r.pipeline.name ? { name: r.pipeline.name } : {}),
    ...(r.pipeline.file ? { file: r.pipeline.file } : {}),
    seed: r.seed,
    metrics: r.metrics,
    providers: [...new Set(Object.values(r.environment.providers))],
    epochs: maxOf(
      Object.values(r.epochs).map((l) => l.length),
      0,
    ),
    ...(r.rerunOf ? { rerunOf: r.rerunOf } : {}),
    metricNodes: metricNodesOf(r),
    ...(r.parent ? { parent: r.parent } : {}),
    ...(r.trial
      ? {
          trial: {
            index: r.trial.index,
            status: r.trial.status,
            metric: r.trial.metric,
            ...(r.trial.objective !== undefined ? { objective: r.trial.objective } : {}),
          },
        }
      : {}),
  };
}

/**
 * Finds the one id starting with `prefix`. Returns the id, or why none fits
 * (`none` or `ambiguous` with the candidates).
 */
export function matchRunId(
  prefix: string,
  ids: readonly string[],
): { ok: true; id: string } | { ok: false; reason: 'none' | 'ambiguous'; candidates: string[] } {
  if (ids.includes(prefix)) return { ok: true, id: prefix };
  const hits = ids.filter((id) => id.startsWith(prefix));
  if (hits.length === 1 && hits[0]) return { ok: true, id: hits[0] };
  return { ok: false, reason: hits.length ? 'ambiguous' : 'none', candidates: hits };
}
