import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import {
  compile,
  lookup,
  type EngineEvent,
  type NodeRegistry,
  type NodeRunReport,
  type PipelineDocument,
  type PlanStep,
  type RunReport,
  type ValidationResult,
} from '../../common';
import type { ExecutorRegistry, ExecutorResult } from '../executors/Executor';
import { CancelledError } from '../executors/Executor';
import { atomicWrite } from './atomicWrite';
import { fileFingerprint, nodeCacheKey } from './cacheKey';

export interface EngineOptions {
  registry: NodeRegistry;
  executors: ExecutorRegistry;
  /** Folder for the disk cache of expensive outputs; none when absent. */
  cacheDir?: string;
  /** How many independent nodes may run at once. @default 2 */
  concurrency?: number;
  /** How many node results the memory cache keeps. @default 256 */
  memoryEntries?: number;
}

export interface RunOptions {
  only?: string;
  noCache?: boolean;
  runId?: string;
  /** Relative paths in params resolve against this folder (the pipeline file's). */
  baseDir?: string;
  /** Where nodes write run artifacts. @default baseDir */
  workspace?: string;
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
}

export type RunOutcome =
  | { ok: true; report: RunReport; keys: Record<string, string>; outputs: Map<string, ExecutorResult> }
  | { ok: false; validation: ValidationResult };

/** Runs compiled plans with caching, cancellation, progress events and failure isolation. */
export class Engine {
  private readonly memory = new Map<string, ExecutorResult>();
  private readonly active = new Map<string, AbortController>();

  constructor(private readonly opts: EngineOptions) {}

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
    const keys: Record<string, string> = {};
    const outputs = new Map<string, ExecutorResult>();
    const reports: Record<string, NodeRunReport> = {};
    try {
      await this.schedule(steps, {
        runId,
        opts,
        baseDir,
        signal: controller.signal,
        emit,
        keys,
        outputs,
        reports,
      });
    } finally {
      this.active.delete(runId);
      opts.signal?.removeEventListener('abort', onOuterAbort);
    }
    const list = Object.values(reports);
    const status = controller.signal.aborted
      ? 'cancelled'
      : list.some((r) => r.status === 'failed')
        ? 'failed'
        : 'finished';
    const durationMs = Date.now() - started;
    emit({ type: 'run.finished', runId, status, durationMs });
    return { ok: true, report: { runId, status, durationMs, nodes: reports }, keys, outputs };
  }

  private async schedule(
    steps: PlanStep[],
    s: {
      runId: string;
      opts: RunOptions;
      baseDir: string;
      signal: AbortSignal;
      emit: (e: EngineEvent) => void;
      keys: Record<string, string>;
      outputs: Map<string, ExecutorResult>;
      reports: Record<string, NodeRunReport>;
    },
  ): Promise<void> {
    const limit = Math.max(1, this.opts.concurrency ?? 2);
    const pending = new Map(steps.map((st) => [st.nodeId, st]));
    const running = new Map<string, Promise<void>>();
    const failedUpstream = (st: PlanStep): string | undefined =>
      st.dependsOn.find((d) => {
        const r = s.reports[d];
        return r && (r.status === 'failed' || r.status === 'cancelled');
      });

    while (pending.size || running.size) {
      for (const st of [...pending.values()]) {
        if (s.signal.aborted) {
          pending.delete(st.nodeId);
          s.reports[st.nodeId] = { status: 'cancelled', durationMs: 0, cached: false };
          continue;
        }
        const bad = failedUpstream(st);
        if (bad) {
          pending.delete(st.nodeId);
          const error = `not run: upstream node ${bad} ${s.reports[bad]?.status}`;
          s.reports[st.nodeId] = { status: s.reports[bad]?.status === 'cancelled' ? 'cancelled' : 'failed', durationMs: 0, cached: false, error };
          s.emit({ type: 'node.failed', runId: s.runId, nodeId: st.nodeId, error, upstream: bad });
          continue;
        }
        if (running.size >= limit) break;
        if (!st.dependsOn.every((d) => s.reports[d])) continue;
        pending.delete(st.nodeId);
        const p = this.runStep(st, s).finally(() => running.delete(st.nodeId));
        running.set(st.nodeId, p);
      }
      if (running.size) await Promise.race(running.values());
      else if (pending.size && ![...pending.values()].some((st) => st.dependsOn.every((d) => s.reports[d]))) {
        throw new Error('internal: scheduler stalled');
      }
    }
  }

  private async runStep(
    st: PlanStep,
    s: {
      runId: string;
      opts: RunOptions;
      baseDir: string;
      signal: AbortSignal;
      emit: (e: EngineEvent) => void;
      keys: Record<string, string>;
      outputs: Map<string, ExecutorResult>;
      reports: Record<string, NodeRunReport>;
    },
  ): Promise<void> {
    const { runId, emit } = s;
    const nodeId = st.nodeId;
    const t0 = Date.now();
    try {
      const def = lookup(this.opts.registry, st.type);
      const files = def?.fingerprint ? def.fingerprint(st.params) : [];
      const fingerprints = await Promise.all(files.map((f) => fileFingerprint(path.resolve(s.baseDir, f))));
      const inputKeys = Object.fromEntries(
        Object.entries(st.inputs).map(([port, src]) => [port, `${s.keys[src.node]}:${src.port}`]),
      );
      const key = nodeCacheKey({ type: st.type, version: st.version, params: st.params, fingerprints, inputKeys });
      s.keys[nodeId] = key;

      const hit = s.opts.noCache ? undefined : await this.lookupCache(key, st.expensive);
      if (hit) {
        s.outputs.set(nodeId, hit);
        s.reports[nodeId] = { status: 'cached', durationMs: Date.now() - t0, cached: true, ...(hit.summary ? { summary: hit.summary } : {}) };
        emit({ type: 'node.cached', runId, nodeId, ...(hit.summary ? { summary: hit.summary } : {}) });
        return;
      }
      const executor = this.opts.executors[st.type];
      if (!executor) throw new Error(`no executor for node type ${st.type}`);
      const inputs: Record<string, unknown> = {};
      for (const [port, src] of Object.entries(st.inputs)) {
        inputs[port] = s.outputs.get(src.node)?.outputs[src.port];
      }
      emit({ type: 'node.started', runId, nodeId });
      let lastProgress = 0;
      const result = await executor({
        inputs,
        params: st.params as never,
        signal: s.signal,
        nodeId,
        workspace: s.opts.workspace ?? s.baseDir,
        baseDir: s.baseDir,
        progress: (fraction, message) => {
          const now = Date.now();
          if (fraction < 1 && now - lastProgress < 50) return;
          lastProgress = now;
          emit({ type: 'node.progress', runId, nodeId, fraction: Math.min(1, Math.max(0, fraction)), ...(message ? { message } : {}) });
        },
        log: (message, level = 'info') => emit({ type: 'node.log', runId, nodeId, level, message }),
        epochMetrics: (epoch, metrics) => emit({ type: 'epoch.metrics', runId, nodeId, epoch, metrics }),
      });
      if (s.signal.aborted) throw new CancelledError();
      s.outputs.set(nodeId, result);
      await this.store(key, result, st.expensive);
      const durationMs = Date.now() - t0;
      s.reports[nodeId] = { status: 'done', durationMs, cached: false, ...(result.summary ? { summary: result.summary } : {}) };
      emit({ type: 'node.finished', runId, nodeId, durationMs, ...(result.summary ? { summary: result.summary } : {}) });
    } catch (e) {
      const cancelled = s.signal.aborted || e instanceof CancelledError;
      const error = cancelled ? 'cancelled' : e instanceof Error ? e.message : String(e);
      s.reports[nodeId] = { status: cancelled ? 'cancelled' : 'failed', durationMs: Date.now() - t0, cached: false, error };
      emit({ type: 'node.failed', runId, nodeId, error });
    }
  }

  private async lookupCache(key: string, expensive: boolean): Promise<ExecutorResult | undefined> {
    const mem = this.memory.get(key);
    if (mem) {
      this.memory.delete(key);
      this.memory.set(key, mem);
      return mem;
    }
    if (!expensive || !this.opts.cacheDir) return undefined;
    try {
      const value = deserialize(await readFile(path.join(this.opts.cacheDir, `${key}.bin`))) as ExecutorResult;
      this.remember(key, value);
      return value;
    } catch {
      return undefined;
    }
  }

  private remember(key: string, value: ExecutorResult): void {
    this.memory.set(key, value);
    const max = this.opts.memoryEntries ?? 256;
    while (this.memory.size > max) {
      const oldest = this.memory.keys().next().value;
      if (oldest === undefined) break;
      this.memory.delete(oldest);
    }
  }

  private async store(key: string, value: ExecutorResult, expensive: boolean): Promise<void> {
    this.remember(key, value);
    if (!expensive || !this.opts.cacheDir) return;
    await mkdir(this.opts.cacheDir, { recursive: true });
    await atomicWrite(path.join(this.opts.cacheDir, `${key}.bin`), serialize(value));
  }
}
