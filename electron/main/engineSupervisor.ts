import type { EngineEvent, EngineInvokeChannel, EngineStatus } from '../../core/common';
import { HostMessageSchema, type HostRequest } from '../engineHost/protocol';
import type { UtilityProcessLike } from './electronSurface';

export interface EngineSupervisorOptions {
  /** Starts a new engine host process. */
  spawn: () => UtilityProcessLike;
  onEvent: (event: EngineEvent) => void;
  onStatus: (status: EngineStatus) => void;
  /** After this many deaths within `crashWindowMs`, stop restarting. @default 3 */
  maxCrashes?: number;
  /** @default 60000 */
  crashWindowMs?: number;
  now?: () => number;
}

/** An engine request that failed, with the status the renderer gets (503 when the engine is down). */
export class EngineHostError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'EngineHostError';
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** What a run still open when the engine died had started, so its nodes can be marked failed. */
interface OpenRun {
  nodeIds: string[];
  settled: Set<string>;
}

/**
 * Keeps the engine host (a utilityProcess) alive: forwards requests and events, and when the process
 * dies fails what was in flight with a clear message, marks open runs failed, and starts a new one.
 */
export class EngineSupervisor {
  private child: UtilityProcessLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly runs = new Map<string, OpenRun>();
  private crashes: number[] = [];
  private stopping = false;
  private gaveUp = false;

  constructor(private readonly opts: EngineSupervisorOptions) {}

  start(): void {
    this.stopping = false;
    this.gaveUp = false;
    this.launch();
  }

  /** Kills the host for good (app quit). */
  stop(): void {
    this.stopping = true;
    this.child?.kill();
    this.child = undefined;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  request(channel: EngineInvokeChannel, params: unknown, documentRoots?: string[]): Promise<unknown> {
    if (this.gaveUp || !this.child) {
      return Promise.reject(
        new EngineHostError(
          'The engine is not running: it stopped repeatedly. Save your pipeline and restart Weft.',
          503,
        ),
      );
    }
    const id = this.nextId++;
    const msg: HostRequest = { type: 'request', id, channel, params, ...(documentRoots ? { documentRoots } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child?.postMessage(msg);
    });
  }

  private launch(): void {
    const child = this.opts.spawn();
    this.child = child;
    child.on('message', (raw) => {
      if (this.child !== child) return;
      this.onMessage(raw);
    });
    child.on('exit', (code) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (!this.stopping) this.onCrash(code);
    });
  }

  private onMessage(raw: unknown): void {
    const parsed = HostMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.type === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new EngineHostError(m.error, m.status));
    } else if (m.type === 'event') {
      const event = m.event as EngineEvent;
      this.track(event);
      this.opts.onEvent(event);
    }
  }

  private track(e: EngineEvent): void {
    if (e.type === 'run.started') this.runs.set(e.runId, { nodeIds: e.nodeIds, settled: new Set() });
    else if (e.type === 'run.finished') this.runs.delete(e.runId);
    else if (
      e.type === 'node.cached' ||
      e.type === 'node.finished' ||
      e.type === 'node.failed' ||
      e.type === 'node.cancelled'
    )
      this.runs.get(e.runId)?.settled.add(e.nodeId);
  }

  private onCrash(code: number): void {
    const now = (this.opts.now ?? Date.now)();
    const windowMs = this.opts.crashWindowMs ?? 60_000;
    this.crashes = [...this.crashes.filter((t) => now - t < windowMs), now];
    const why = `The engine stopped unexpectedly (exit code ${code}).`;
    const error = `${why} Your pipeline is unchanged; run it again.`;
    for (const [runId, run] of this.runs) {
      for (const nodeId of run.nodeIds) {
        if (!run.settled.has(nodeId)) this.opts.onEvent({ type: 'node.failed', runId, nodeId, error });
      }
      this.opts.onEvent({ type: 'run.finished', runId, status: 'failed', durationMs: 0 });
    }
    this.runs.clear();
    for (const p of this.pending.values()) p.reject(new EngineHostError(error, 503));
    this.pending.clear();
    if (this.crashes.length >= (this.opts.maxCrashes ?? 3)) {
      this.gaveUp = true;
      this.opts.onStatus({
        state: 'failed',
        message: `${why} It stopped ${this.crashes.length} times in a minute, so Weft will not restart it. Save your pipeline and restart Weft.`,
      });
      return;
    }
    this.launch();
    this.opts.onStatus({
      state: 'restarted',
      message: `${why} It has been restarted; your pipeline is unchanged. Run it again to continue.`,
    });
  }
}
