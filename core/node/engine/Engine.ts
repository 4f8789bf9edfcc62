import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  compile,
  describeCancelled,
  formatValidationErrors,
  lookup,
  type EngineEvent,
  type NodeRegistry,
  type NodeRunReport,
  type NodeSummary,
  type PipelineDocument,
  type PlanStep,
  type RunReport,
  type ValidationResult,
} from '../../common';
import { ENGINE_VERSION } from '../../common/engineVersion';
import type { TrialRecord } from '../../common/runs/runRecord';
import type { ExecutorRegistry, ExecutorResult, PathPolicy, PipelineHost } from '../executors/Executor';
import { CancelledError, InputError, resolveParamPath } from '../executors/Executor';
import { fileFingerprint, nodeCacheKey } from './cacheKey';
import { estimateBytes } from './cacheCodec';
import { DiskCache } from './DiskCache';
import { WEFT_VERSION } from '../version';

export interface EngineOptions {
  registry: NodeRegistry;
  executors: ExecutorRegistry;
  /**
   * Weft's version; with `ENGINE_VERSION` it is part of every cache key, so results cached by another
   * release are recomputed. @default the version in Weft's package.json
   */
  weftVersion?: string;
  /** Where one-line warnings go (a corrupt cache entry, an unwritable cache folder). @default stderr */
  warn?: (message: string) => void;
  /** Folder for the disk cache; none when absent. */
  cacheDir?: string;
  /**
   * Which results go to the disk cache. `expensive`: only those of nodes marked expensive.
   * `measured`: those of expensive nodes, small ones, and any whose recompute time (its own plus that
   * of upstream results not on disk) is at least `persistMsPerMiB` per MiB of result; the others keep
   * only their summary on disk, so an unchanged node is reported cached and its value is recomputed
   * only when a node that must run needs it. `all`: every result (tests).
   * @default 'expensive'
   */
  persist?: 'expensive' | 'measured' | 'all';
  /** With `persist: 'measured'`, the recompute time per MiB of result that earns disk space. @default 500 */
  persistMsPerMiB?: number;
  /** How many independent nodes may run at once. @default 2 */
  concurrency?: number;
  /** How many node results the memory cache keeps. @default 256 */
  memoryEntries?: number;
  /**
   * For a process that runs one pipeline and exits (the CLI): no memory cache, and an intermediate
   * value is let go as soon as every node that reads it has run, so memory holds only what the
   * running nodes need. `load` still gets any node's value back (from disk, or recomputed).
   * @default false
   */
  lean?: boolean;
}

export interface RunOptions {
  only?: string;
  noCache?: boolean;
  runId?: string;
  /** Relative paths in params resolve against this folder (the pipeline file's). */
  baseDir?: string;
  /** Where nodes write run artifacts. @default baseDir */
  workspace?: string;
  /** Which files nodes may read and write; everything when absent. */
  paths?: PathPolicy;
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
  /** Nodes whose values the caller will read: a cached summary alone does not do for them. */
  need?: string[];
  /** Records the pipeline variants nodes run inside this run (search trials) as its children. */
  children?: ChildRecorders;
}

/** Starts a record for each pipeline variant a node runs (runs/recordedRun.ts gives the run store's). */
export interface ChildRecorders {
  start(doc: PipelineDocument): Promise<ChildRecorder | undefined>;
}

export interface ChildRecorder {
  id: string;
  onEvent(e: EngineEvent): void;
  complete(outcome: RunOutcome, trial?: TrialRecord): Promise<void>;
}

export interface RunResultSet {
  report: RunReport;
  /** Cache key per node: a hash of the engine's version, type, version, params, file fingerprints and upstream keys. */
  keys: Record<string, string>;
  /** File fingerprints per node (path → size:hash), for run records. */
  fingerprints: Record<string, Record<string, string>>;
  /** Results computed in this run, or loaded because a node needed them (with `lean`, only those still held at the end). */
  outputs: Map<string, ExecutorResult>;
  /** Nodes that failed because a file could not be read or written (the CLI exits 2 for these). */
  inputFailures: string[];
  /** Any finished node's result, loading it from the caches when this run did not need it. */
  load: (nodeId: string) => Promise<ExecutorResult | undefined>;
}

export type RunOutcome = ({ ok: true } & RunResultSet) | { ok: false; validation: ValidationResult };

interface RunState {
  runId: string;
  doc: PipelineDocument;
  opts: RunOptions;
  baseDir: string;
  signal: AbortSignal;
  emit: (e: EngineEvent) => void;
  keys: Record<string, string>;
  outputs: Map<string, ExecutorResult>;
  reports: Record<string, NodeRunReport>;
  /** Why a node may not run, found before any node ran (a file refused, unreadable or not a regular file). */
  refused: Record<string, Error>;
  /** Nodes that failed because a file could not be read or written (InputError). */
  inputFailures: Set<string>;
  /** Cache hits decided before any node ran; a summary-only hit that a running node needs is not one. */
  hits: Map<string, Hit>;
  /** What a dependant would pay to get a node's value again: 0 when it is on disk, else its recompute time. */
  recompute: Record<string, number>;
}

interface Hit {
  summary?: NodeSummary;
  /** The value itself is in memory or on disk (not only the summary). */
  value: boolean;
  recompute: number;
}

const MiB = 1024 * 1024;
/** Results up to this size are always stored: their disk space is negligible. */
const SMALL_RESULT_BYTES = 256 * 1024;

/** Runs compiled plans with caching, cancellation, progress events and failure isolation. */
export class Engine {
  private readonly memory = new Map<string, ExecutorResult>();
  /** Recompute cost of values in the memory cache that are not on disk. */
  private readonly memoryCost = new Map<string, number>();
  private readonly active = new Map<string, AbortController>();
  private readonly disk: DiskCache | undefined;
  private readonly engineVersion: string;

  constructor(private readonly opts: EngineOptions) {
    this.disk = opts.cacheDir ? new DiskCache(opts.cacheDir, opts.warn ? { warn: opts.warn } : {}) : undefined;
    this.engineVersion = `weft ${opts.weftVersion ?? WEFT_VERSION}, engine ${ENGINE_VERSION}`;
  }

  /**
   * The value stored under a cache key (memory, then disk), never recomputed: undefined when the
   * cache keeps only its summary or nothing. A past run's record names its nodes' keys.
   */
  stored(key: string): Promise<ExecutorResult | undefined> {
    return this.readCache(key);
  }

  /** Cancels a run; its executors see their signal abort and stop between steps. */
  cancel(runId: string): boolean {
    const c = this.active.get(runId);
    c?.abort();
    return Boolean(c);
  }

  get runningIds(): string[] {
    return [...this.active.keys()];
  }

  clearMemoryCache(): void {
    this.memory.clear();
  }

  async run(doc: PipelineDocument, opts: RunOptions = {}): Promise<RunOutcome> {
    const compiled = compile(doc, this.opts.registry, opts.only ? { only: opts.only } : {});
    if (!compiled.ok) return { ok: false, validation: compiled.validation };
    const runId = opts.runId ?? randomUUID();
    const controller = new AbortController();
    const onOuterAbort = (): void => controller.abort();
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (opts.signal?.aborted) controller.abort();
    this.active.set(runId, controller);
    const emit = (e: EngineEvent): void => {
      try {
        opts.onEvent?.(e);
      } catch {
        /* a listener's failure never stops the run */
      }
    };
    const started = Date.now();
    const baseDir = opts.baseDir ?? process.cwd();
    const steps = compiled.plan.steps;
    emit({ type: 'run.started', runId, nodeIds: steps.map((s) => s.nodeId), at: started });
    const state: RunState = {
      runId,
      doc,
      opts,
      baseDir,
      signal: controller.signal,
      emit,
      keys: {},
      outputs: new Map(),
      reports: {},
      refused: {},
      inputFailures: new Set(),
      hits: new Map(),
      recompute: {},
    };
    const fingerprints: Record<string, Record<string, string>> = {};
    try {
      for (const st of steps) {
        const def = lookup(this.opts.registry, st.type);
        const files = def?.fingerprint ? def.fingerprint(st.params) : [];
        const prints: Record<string, string> = {};
        for (const f of files) {
          let abs = path.resolve(baseDir, f);
          try {
            abs = resolveParamPath({ baseDir, ...(opts.paths ? { paths: opts.paths } : {}) }, f, 'read');
            prints[f] = await fileFingerprint(abs);
          } catch (e) {
            state.refused[st.nodeId] ??= e instanceof Error ? e : new Error(String(e));
            prints[f] = `unread:${abs}`;
          }
        }
        if (files.length) fingerprints[st.nodeId] = prints;
        const inputKeys = Object.fromEntries(
          Object.entries(st.inputs).map(([port, src]) => [port, `${state.keys[src.node]}:${src.port}`]),
        );
        state.keys[st.nodeId] = nodeCacheKey({
          engine: this.engineVersion,
          type: st.type,
          version: st.version,
          params: st.params,
          fingerprints: Object.values(prints),
          inputKeys,
        });
      }
      if (!opts.noCache) await this.findHits(steps, state);
      await this.schedule(steps, state);
    } finally {
      this.active.delete(runId);
      opts.signal?.removeEventListener('abort', onOuterAbort);
    }
    const list = Object.values(state.reports);
    const status = controller.signal.aborted
      ? 'cancelled'
      : list.some((r) => r.status === 'failed')
        ? 'failed'
        : 'finished';
    const durationMs = Date.now() - started;
    if (!opts.noCache) void this.disk?.prune();
    emit({ type: 'run.finished', runId, status, durationMs });
    const load = async (nodeId: string): Promise<ExecutorResult | undefined> => {
      const have = state.outputs.get(nodeId);
      if (have) return have;
      const key = state.keys[nodeId];
      const r = state.reports[nodeId];
      if (!key || !r || (r.status !== 'done' && r.status !== 'cached')) return undefined;
      const value =
        (await this.readCache(key)) ?? (opts.noCache ? undefined : await this.recomputeFor(doc, opts, nodeId));
      if (value) state.outputs.set(nodeId, value);
      return value;
    };
    return {
      ok: true,
      report: { runId, status, durationMs, nodes: state.reports },
      keys: state.keys,
      fingerprints,
      inputFailures: [...state.inputFailures],
      outputs: state.outputs,
      load,
    };
  }

  /** A node's value that only a summary remembers: a quiet run that needs it. */
  private async recomputeFor(
    doc: PipelineDocument,
    opts: RunOptions,
    nodeId: string,
  ): Promise<ExecutorResult | undefined> {
    const { onEvent: _e, runId: _r, ...rest } = opts;
    const again = await this.run(doc, { ...rest, only: nodeId, need: [nodeId] });
    return again.ok ? again.outputs.get(nodeId) : undefined;
  }

  /**
   * Probes every node's cache entry before anything runs, then, from the sinks up, drops the
   * summary-only hits whose value a running node (or the caller, `need`) will read: those re-run.
   */
  private async findHits(steps: PlanStep[], s: RunState): Promise<void> {
    for (const st of steps) {
      if (s.refused[st.nodeId]) continue;
      const probed = await this.probeCache(s.keys[st.nodeId] ?? '');
      if (probed && (probed.summary?.files ?? []).every((f) => existsSync(path.resolve(s.baseDir, f))))
        s.hits.set(st.nodeId, probed);
    }
    const needed = new Set(s.opts.need ?? []);
    for (const st of [...steps].reverse()) {
      const hit = s.hits.get(st.nodeId);
      if (hit && !hit.value && needed.has(st.nodeId)) s.hits.delete(st.nodeId);
      if (!s.hits.has(st.nodeId)) for (const src of Object.values(st.inputs)) needed.add(src.node);
    }
  }

  private async schedule(steps: PlanStep[], s: RunState): Promise<void> {
    const limit = Math.max(1, this.opts.concurrency ?? 2);
    const pending = new Map(steps.map((st) => [st.nodeId, st]));
    const running = new Map<string, Promise<void>>();
    const sourcesOf = (st: PlanStep): Set<string> => new Set(Object.values(st.inputs).map((src) => src.node));
    const readers = new Map<string, number>();
    for (const st of steps) for (const src of sourcesOf(st)) readers.set(src, (readers.get(src) ?? 0) + 1);
    const keep = new Set(s.opts.need ?? []);
    const release = (st: PlanStep): void => {
      if (!this.opts.lean) return;
      for (const src of sourcesOf(st)) {
        const left = (readers.get(src) ?? 1) - 1;
        readers.set(src, left);
        if (left === 0 && !keep.has(src)) s.outputs.delete(src);
      }
    };
    const failedUpstream = (st: PlanStep): string | undefined =>
      st.dependsOn.find((d) => {
        const r = s.reports[d];
        return r && (r.status === 'failed' || r.status === 'cancelled');
      });

    while (pending.size || running.size) {
      for (const st of [...pending.values()]) {
        const bad = failedUpstream(st);
        const upstream = bad && s.reports[bad]?.status === 'cancelled' ? bad : undefined;
        if (s.signal.aborted || upstream) {
          pending.delete(st.nodeId);
          s.reports[st.nodeId] = {
            status: 'cancelled',
            durationMs: 0,
            cached: false,
            ...(upstream ? { error: describeCancelled({ upstream }) } : {}),
          };
          s.emit({ type: 'node.cancelled', runId: s.runId, nodeId: st.nodeId, ...(upstream ? { upstream } : {}) });
          continue;
        }
        if (bad) {
          pending.delete(st.nodeId);
          const error = `not run: upstream node ${bad} failed`;
          s.reports[st.nodeId] = { status: 'failed', durationMs: 0, cached: false, error };
          s.emit({ type: 'node.failed', runId: s.runId, nodeId: st.nodeId, error, upstream: bad });
          continue;
        }
        if (running.size >= limit) break;
        if (!st.dependsOn.every((d) => s.reports[d])) continue;
        pending.delete(st.nodeId);
        const p = this.runStep(st, s).finally(() => {
          running.delete(st.nodeId);
          release(st);
        });
        running.set(st.nodeId, p);
      }
      if (running.size) await Promise.race(running.values());
      else if (pending.size && ![...pending.values()].some((st) => st.dependsOn.every((d) => s.reports[d]))) {
        throw new Error('internal: scheduler stalled');
      }
    }
  }

  private async runStep(st: PlanStep, s: RunState): Promise<void> {
    const { runId, emit } = s;
    const nodeId = st.nodeId;
    const t0 = Date.now();
    const key = s.keys[nodeId] ?? '';
    try {
      const refused = s.refused[nodeId];
      if (refused) throw refused;
      const hit = s.hits.get(nodeId);
      if (hit) {
        s.recompute[nodeId] = hit.recompute;
        const summary = hit.summary;
        s.reports[nodeId] = {
          status: 'cached',
          durationMs: Date.now() - t0,
          cached: true,
          ...(summary ? { summary } : {}),
        };
        emit({ type: 'node.cached', runId, nodeId, ...(summary ? { summary } : {}) });
        return;
      }
      const executor = this.opts.executors[st.type];
      if (!executor) throw new Error(`no executor for node type ${st.type}`);
      const inputs: Record<string, unknown> = {};
      for (const [port, src] of Object.entries(st.inputs)) {
        const value = await this.valueOf(src.node, s);
        inputs[port] = value.outputs[src.port];
      }
      emit({ type: 'node.started', runId, nodeId });
      const tExec = Date.now();
      let lastProgress = 0;
      const result = await executor({
        inputs,
        inputSources: st.inputs,
        params: st.params as never,
        signal: s.signal,
        nodeId,
        workspace: s.opts.workspace ?? s.baseDir,
        baseDir: s.baseDir,
        ...(s.opts.paths ? { paths: s.opts.paths } : {}),
        pipeline: this.pipelineHost(s, key),
        progress: (fraction, message) => {
          const now = Date.now();
          if (fraction < 1 && now - lastProgress < 50) return;
          lastProgress = now;
          emit({
            type: 'node.progress',
            runId,
            nodeId,
            fraction: Math.min(1, Math.max(0, fraction)),
            ...(message ? { message } : {}),
          });
        },
        log: (message, level = 'info') => emit({ type: 'node.log', runId, nodeId, level, message }),
        epochMetrics: (epoch, metrics) => emit({ type: 'epoch.metrics', runId, nodeId, epoch, metrics }),
        trial: (trial) => emit({ type: 'search.trial', runId, nodeId, trial }),
      });
      if (s.signal.aborted) throw new CancelledError();
      s.outputs.set(nodeId, result);
      const sources = new Set(Object.values(st.inputs).map((src) => src.node));
      let costMs = Date.now() - tExec;
      for (const src of sources) costMs += s.recompute[src] ?? 0;
      s.recompute[nodeId] = await this.store(key, result, st, costMs, s.opts.noCache ?? false);
      const durationMs = Date.now() - t0;
      s.reports[nodeId] = {
        status: 'done',
        durationMs,
        cached: false,
        ...(result.summary ? { summary: result.summary } : {}),
      };
      emit({
        type: 'node.finished',
        runId,
        nodeId,
        durationMs,
        ...(result.summary ? { summary: result.summary } : {}),
      });
    } catch (e) {
      const durationMs = Date.now() - t0;
      if (s.signal.aborted || e instanceof CancelledError) {
        s.reports[nodeId] = { status: 'cancelled', durationMs, cached: false, error: describeCancelled({}) };
        emit({ type: 'node.cancelled', runId, nodeId });
        return;
      }
      if (e instanceof InputError) s.inputFailures.add(nodeId);
      const error = e instanceof Error ? e.message : String(e);
      s.reports[nodeId] = { status: 'failed', durationMs, cached: false, error };
      emit({ type: 'node.failed', runId, nodeId, error });
    }
  }

  /** What a node may do with the run it is part of: run variants of its document (search trials). */
  private pipelineHost(s: RunState, key: string): PipelineHost {
    const { opts } = s;
    return {
      document: s.doc,
      key,
      noCache: opts.noCache ?? false,
      run: async (doc, v) => {
        let child: ChildRecorder | undefined;
        try {
          child = v.record === false ? undefined : await opts.children?.start(doc);
        } catch {
          child = undefined;
        }
        const outcome = await this.run(doc, {
          baseDir: s.baseDir,
          workspace: v.workspace,
          ...(opts.paths ? { paths: opts.paths } : {}),
          ...(opts.noCache ? { noCache: true } : {}),
          ...(child ? { runId: child.id } : {}),
          signal: v.signal,
          need: v.need,
          onEvent: (e) => {
            try {
              child?.onEvent(e);
            } catch {
              child = undefined;
            }
            v.onEvent?.(e);
          },
        });
        const finish = async (trial?: TrialRecord): Promise<void> => {
          await child?.complete(outcome, trial).catch(() => undefined);
        };
        if (!outcome.ok) {
          return {
            status: 'invalid',
            nodes: {},
            error: formatValidationErrors(outcome.validation).join('; '),
            load: () => Promise.resolve(undefined),
            finish,
            ...(child ? { recordId: child.id } : {}),
          };
        }
        const failed = Object.entries(outcome.report.nodes).find(([, r]) => r.status === 'failed' && r.error);
        return {
          status: outcome.report.status,
          nodes: outcome.report.nodes,
          ...(failed ? { error: `${failed[0]}: ${failed[1].error}` } : {}),
          load: outcome.load,
          finish,
          ...(child ? { recordId: child.id } : {}),
        };
      },
    };
  }

  /** An upstream result: computed in this run, or read from the caches on first need. */
  private async valueOf(nodeId: string, s: RunState): Promise<ExecutorResult> {
    const have = s.outputs.get(nodeId);
    if (have) return have;
    const key = s.keys[nodeId];
    const value = key ? await this.readCache(key) : undefined;
    if (!value) throw new Error(`the cached result of ${nodeId} could not be read; run again with --no-cache`);
    s.outputs.set(nodeId, value);
    return value;
  }

  /** Whether a result exists, and its summary, without reading the value from disk. */
  private async probeCache(key: string): Promise<Hit | undefined> {
    const mem = this.memory.get(key);
    if (mem) {
      this.memory.delete(key);
      this.memory.set(key, mem);
      const recompute = this.memoryCost.get(key) ?? 0;
      return { value: true, recompute, ...(mem.summary ? { summary: mem.summary } : {}) };
    }
    const p = await this.disk?.probe(key);
    if (!p) return undefined;
    return { value: p.value, recompute: p.value ? 0 : (p.costMs ?? 0), ...(p.summary ? { summary: p.summary } : {}) };
  }

  private async readCache(key: string): Promise<ExecutorResult | undefined> {
    const mem = this.memory.get(key);
    if (mem) return mem;
    const value = await this.disk?.read(key);
    if (value) this.remember(key, value, 0);
    return value;
  }

  private remember(key: string, value: ExecutorResult, recompute: number): void {
    if (this.opts.lean) return;
    this.memory.set(key, value);
    this.memoryCost.set(key, recompute);
    const max = this.opts.memoryEntries ?? 256;
    while (this.memory.size > max) {
      const oldest = this.memory.keys().next().value;
      if (oldest === undefined) break;
      this.memory.delete(oldest);
      this.memoryCost.delete(oldest);
    }
  }

  /** Keeps a result in memory and, by the persist policy, on disk; returns what a dependant would pay to get it again. */
  private async store(
    key: string,
    value: ExecutorResult,
    st: PlanStep,
    costMs: number,
    noCache: boolean,
  ): Promise<number> {
    const mode = this.opts.persist ?? 'expensive';
    const info = { type: st.type, costMs, ...(st.expensive ? { expensive: true } : {}) };
    const keep =
      st.expensive ||
      mode === 'all' ||
      (mode === 'measured' && worthStoring(estimateBytes(value), costMs, this.opts.persistMsPerMiB ?? 500));
    let recompute = costMs;
    if (!noCache && this.disk) {
      if (keep) recompute = (await this.disk.write(key, value, info)) > 0 ? 0 : costMs;
      else if (mode === 'measured') await this.disk.writeSummary(key, value.summary, info);
    }
    this.remember(key, value, recompute);
    return recompute;
  }
}

/** Whether a result earns disk space: small, or slow to recompute for its size. */
export function worthStoring(bytes: number, costMs: number, msPerMiB: number): boolean {
  return bytes <= SMALL_RESULT_BYTES || costMs >= (msPerMiB * bytes) / MiB;
}
