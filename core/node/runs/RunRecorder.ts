import path from 'node:path';
import {
  describeCancelled,
  formatValidationErrors,
  lookup,
  type EngineEvent,
  type NodeRegistry,
  type PipelineDocument,
} from '../../common';
import {
  finalMetrics,
  TrialSchema,
  type TrialRecord,
  type DatasetFingerprint,
  type RecordedNode,
  type RunArtifact,
  type RunRecord,
} from '../../common/runs';
import type { RunOutcome } from '../engine/Engine';
import { fileFingerprint } from '../engine/cacheKey';
import { resolveDataPath, resolveParamPath, type PathPolicy } from '../executors/Executor';
import { runEnvironment } from './environment';
import { currentOwner } from './ownerProcess';
import type { RunStore, RunWriter } from './RunStore';

/** Params as each node's schema parses them (defaults applied); the raw params where parsing fails. */
export function resolvedParams(doc: PipelineDocument, registry: NodeRegistry): Record<string, unknown> {
  return Object.fromEntries(
    doc.nodes.map((n) => {
      const parsed = lookup(registry, n.type)?.params.safeParse(n.params);
      return [n.id, parsed?.success ? parsed.data : n.params];
    }),
  );
}

/** The data files every node declares in its `fingerprint`, with their current content hashes. */
export async function fingerprintData(
  doc: PipelineDocument,
  registry: NodeRegistry,
  baseDir: string,
  paths?: PathPolicy,
): Promise<DatasetFingerprint[]> {
  const params = resolvedParams(doc, registry);
  const out: DatasetFingerprint[] = [];
  for (const n of doc.nodes) {
    const def = lookup(registry, n.type);
    if (!def?.fingerprint) continue;
    let files: string[];
    try {
      files = def.fingerprint(params[n.id]);
    } catch {
      continue;
    }
    for (const f of files) {
      let resolved = path.resolve(baseDir, f);
      let fingerprint: string;
      try {
        resolved = resolveParamPath({ baseDir, ...(paths ? { paths } : {}) }, f, 'read');
        fingerprint = await fileFingerprint(resolved);
      } catch (e) {
        fingerprint = `unread: ${e instanceof Error ? e.message : String(e)}`;
      }
      out.push({ node: n.id, path: f, resolved, fingerprint });
    }
  }
  return out;
}

function seedsOf(params: Record<string, unknown>): Record<string, number> {
  const seeds: Record<string, number> = {};
  for (const [id, p] of Object.entries(params)) {
    const seed = (p as { seed?: unknown } | null)?.seed;
    if (typeof seed === 'number') seeds[id] = seed;
  }
  return seeds;
}

/** A trained model output: ONNX bytes plus the provider it trained on (values.ts TrainedModelValue). */
function trainedModel(v: unknown): { onnx: Uint8Array; provider?: string } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as { onnx?: unknown; provider?: unknown };
  if (!(m.onnx instanceof Uint8Array)) return undefined;
  return { onnx: m.onnx, ...(typeof m.provider === 'string' ? { provider: m.provider } : {}) };
}

export interface RecorderInit {
  store: RunStore;
  document: PipelineDocument;
  registry: NodeRegistry;
  /** Relative paths in params resolve against this folder. */
  baseDir: string;
  file?: string;
  options?: { only?: string; noCache?: boolean };
  rerunOf?: string;
  /** The run that started this one (a search trial's search run). */
  parent?: string;
  /** Record under this id when it is free (lowercase letters, digits, dashes). */
  preferredId?: string;
  /** Files the run may read; data files it refuses are recorded unread. */
  paths?: PathPolicy;
}

/**
 * Records one engine run in the store: give `onEvent` to the engine, then `complete` with the
 * outcome (or `abort` when the run threw). Epochs and node results are on disk as they arrive.
 */
export class RunRecorder {
  private constructor(
    private readonly writer: RunWriter,
    private readonly registry: NodeRegistry,
  ) {}

  static async start(init: RecorderInit): Promise<RunRecorder> {
    const params = resolvedParams(init.document, init.registry);
    const nodes: Record<string, RecordedNode> = Object.fromEntries(
      init.document.nodes.map((n) => [
        n.id,
        { type: n.type, version: n.version, params: params[n.id], status: 'pending' as const },
      ]),
    );
    const seed = init.document.metadata.seed;
    const writer = await init.store.create(
      {
        format: 'weft.run',
        formatVersion: 1,
        status: 'running',
        startedAt: Date.now(),
        owner: currentOwner(),
        pipeline: {
          ...(init.file ? { file: path.resolve(init.file) } : {}),
          ...(init.document.metadata.name
            ? { name: init.document.metadata.name }
            : init.file
              ? { name: path.basename(init.file).replace(/\.weft\.json$/, '') }
              : {}),
          baseDir: path.resolve(init.baseDir),
          document: init.document,
        },
        options: init.options ?? {},
        seed: typeof seed === 'number' ? seed : null,
        seeds: seedsOf(params),
        environment: runEnvironment(),
        nodes,
        datasets: await fingerprintData(init.document, init.registry, init.baseDir, init.paths),
        epochs: {},
        metrics: {},
        artifacts: [],
        ...(init.rerunOf ? { rerunOf: init.rerunOf } : {}),
        ...(init.parent ? { parent: init.parent } : {}),
      },
      init.preferredId,
    );
    return new RunRecorder(writer, init.registry);
  }

  get id(): string {
    return this.writer.id;
  }

  get record(): RunRecord {
    return this.writer.record;
  }

  get dir(): string {
    return this.writer.dir;
  }

  /** Engine event listener. Synchronous: what it logs is on disk when it returns. */
  readonly onEvent = (e: EngineEvent): void => {
    switch (e.type) {
      case 'epoch.metrics':
        this.writer.append({ t: 'epoch', node: e.nodeId, epoch: e.epoch, metrics: e.metrics });
        break;
      case 'node.started':
        this.writer.append({ t: 'started', node: e.nodeId, at: Date.now() });
        break;
      case 'node.finished':
        this.writer.append({
          t: 'node',
          node: e.nodeId,
          status: 'done',
          durationMs: e.durationMs,
          ...(e.summary ? { summary: e.summary } : {}),
        });
        break;
      case 'node.cached':
        this.writer.append({
          t: 'node',
          node: e.nodeId,
          status: 'cached',
          ...(e.summary ? { summary: e.summary } : {}),
        });
        break;
      case 'node.failed':
        this.writer.append({ t: 'node', node: e.nodeId, status: 'failed', error: e.error });
        break;
      case 'node.cancelled':
        this.writer.append({ t: 'node', node: e.nodeId, status: 'cancelled', error: describeCancelled(e) });
        break;
      default:
        break;
    }
  };

  /**
   * Final snapshot from the engine's outcome: statuses, cache keys, metrics, artifacts, duration.
   * A search trial also gets its trial fields, and `pruned` or `failed` as its status when it ended so.
   */
  async complete(outcome: RunOutcome, trial?: TrialRecord): Promise<RunRecord> {
    const finishedAt = Date.now();
    const durationMs = finishedAt - this.record.startedAt;
    if (!outcome.ok) {
      return this.writer.update({
        status: 'failed',
        ...(trial ? { trial: TrialSchema.parse(trial) } : {}),
        finishedAt,
        durationMs,
        error: `invalid pipeline: ${formatValidationErrors(outcome.validation).join('; ')}`,
      });
    }
    const nodes = { ...this.record.nodes };
    const providers = { ...this.record.environment.providers };
    const artifacts: RunArtifact[] = [...this.record.artifacts];
    for (const [id, r] of Object.entries(outcome.report.nodes)) {
      const prev = nodes[id] ?? { type: 'unknown', version: 0, params: {}, status: 'pending' as const };
      nodes[id] = {
        ...prev,
        status: r.status,
        durationMs: r.durationMs,
        ...(r.error ? { error: r.error } : {}),
        ...(r.summary ? { summary: r.summary } : {}),
        ...(outcome.keys[id] ? { key: outcome.keys[id] } : {}),
      };
      if (r.summary?.provider) providers[id] = r.summary.provider;
      for (const f of r.summary?.files ?? []) artifacts.push(await fileArtifact(id, f, this.record.pipeline.baseDir));
    }
    for (const id of Object.keys(outcome.report.nodes)) {
      const def = lookup(this.registry, nodes[id]?.type ?? '');
      if (!def?.outputs.some((p) => p.type.kind === 'TrainedModel')) continue;
      const result = outcome.outputs.get(id) ?? (await outcome.load(id));
      for (const [port, value] of Object.entries(result?.outputs ?? {})) {
        const model = trainedModel(value);
        if (!model) continue;
        artifacts.push(await this.writer.saveArtifact(id, `${id}.${port}.onnx`, model.onnx));
        if (model.provider && !providers[id]) providers[id] = model.provider;
      }
    }
    const status =
      trial?.status === 'pruned' ? 'pruned' : trial?.status === 'failed' ? 'failed' : outcome.report.status;
    return this.writer.update({
      status,
      ...(trial ? { trial: TrialSchema.parse(trial), ...(trial.reason ? { error: trial.reason } : {}) } : {}),
      finishedAt,
      durationMs: outcome.report.durationMs,
      nodes,
      metrics: finalMetrics(nodes),
      artifacts,
      environment: { ...this.record.environment, providers },
    });
  }

  /** Marks the run failed because the engine threw (a bug, or the disk went away). */
  async abort(error: unknown): Promise<RunRecord> {
    const finishedAt = Date.now();
    return this.writer.update({
      status: 'failed',
      finishedAt,
      durationMs: finishedAt - this.record.startedAt,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

async function fileArtifact(node: string, file: string, baseDir: string): Promise<RunArtifact> {
  let resolved = path.resolve(baseDir, file);
  try {
    resolved = resolveDataPath(baseDir, file);
  } catch {
    // an unresolvable package path is recorded as written, without a fingerprint
  }
  const fp = await fileFingerprint(resolved).catch(() => '');
  const m = /^(\d+):([0-9a-f]{64})$/.exec(fp);
  return { node, kind: 'file', path: resolved, ...(m ? { bytes: Number(m[1]), sha256: m[2] } : {}) };
}
