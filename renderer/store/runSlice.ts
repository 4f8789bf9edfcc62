import type { StateCreator } from 'zustand';
import {
  describeCancelled,
  type EngineEvent,
  type EpochRecord,
  type NodeResultView,
  type NodeStatus,
  type NodeSummary,
  type RunReport,
  type TrialUpdate,
} from '../../core/common';
import type { RunRecord } from '../../core/common/runs';
import { withTrial } from '../../core/common/search/trialsView';
import { engineClient } from '../engine/client';
import type { StudioState } from './useStudio';

export interface NodeRunState {
  status: NodeStatus;
  fraction?: number;
  message?: string;
  error?: string;
  summary?: NodeSummary;
}

export interface LogLine {
  at: number;
  nodeId: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface RunSlice {
  runId: string | null;
  running: boolean;
  runStatus: RunReport['status'] | 'invalid' | 'error' | null;
  nodeRun: Record<string, NodeRunState>;
  logs: LogLine[];
  /** Training curves by node id, one record per epoch. */
  epochs: Record<string, EpochRecord[]>;
  /** Search trials by search node id, in trial order, each as of its latest update. */
  trials: Record<string, TrialUpdate[]>;
  results: Record<string, NodeResultView | null>;
  resultsLoading: Record<string, boolean>;
  /** A recorded run whose results are shown (its pipeline was opened from the runs view); null for the live run. */
  pastRun: { id: string; startedAt: number } | null;
  run(only?: string): Promise<void>;
  cancel(): Promise<void>;
  applyEvent(e: EngineEvent): void;
  fetchResult(nodeId: string): Promise<void>;
  resetRun(): void;
  /** Shows a recorded run's node states, curves and results (read from the cache) for the pipeline just opened. */
  showPastRun(record: RunRecord): void;
}

const MAX_LOGS = 2000;

/** The node's state after one engine event (pure: the store applies it). */
export function nextNodeState(prev: NodeRunState | undefined, e: EngineEvent): NodeRunState | undefined {
  switch (e.type) {
    case 'node.started':
      return { status: 'running', fraction: 0 };
    case 'node.progress':
      return {
        ...(prev ?? { status: 'running' }),
        status: 'running',
        fraction: e.fraction,
        ...(e.message ? { message: e.message } : {}),
      };
    case 'node.cached':
      return { status: 'cached', ...(e.summary ? { summary: e.summary } : {}) };
    case 'node.finished':
      return { status: 'done', fraction: 1, ...(e.summary ? { summary: e.summary } : {}) };
    case 'node.failed':
      return { status: 'failed', error: e.error };
    case 'node.cancelled':
      return { status: 'cancelled', message: describeCancelled(e) };
    default:
      return prev;
  }
}

/** The log line a node's terminal event adds, if any. */
function nodeLogLine(e: EngineEvent): LogLine | undefined {
  const at = Date.now();
  switch (e.type) {
    case 'node.failed':
      return { at, nodeId: e.nodeId, level: 'error', message: e.error };
    case 'node.cancelled':
      return { at, nodeId: e.nodeId, level: 'warn', message: describeCancelled(e) };
    case 'node.finished':
      return { at, nodeId: e.nodeId, level: 'info', message: `done in ${e.durationMs} ms` };
    case 'node.cached':
      return { at, nodeId: e.nodeId, level: 'info', message: 'cached' };
    default:
      return undefined;
  }
}

/** The run state of a studio with nothing run yet. */
function idleRun(): Pick<
  RunSlice,
  | 'runId'
  | 'running'
  | 'runStatus'
  | 'nodeRun'
  | 'logs'
  | 'epochs'
  | 'trials'
  | 'results'
  | 'resultsLoading'
  | 'pastRun'
> {
  return {
    runId: null,
    running: false,
    runStatus: null,
    nodeRun: {},
    logs: [],
    epochs: {},
    trials: {},
    results: {},
    resultsLoading: {},
    pastRun: null,
  };
}

const recordedStatus = (s: RunRecord['status']): RunReport['status'] | null =>
  s === 'finished' || s === 'failed' || s === 'cancelled' ? s : null;

export const createRunSlice: StateCreator<StudioState, [], [], RunSlice> = (set, get) => ({
  ...idleRun(),

  async run(only) {
    const s = get();
    if (s.running) return;
    const runId = crypto.randomUUID();
    set({
      runId,
      running: true,
      runStatus: null,
      logs: [],
      epochs: {},
      trials: {},
      results: {},
      nodeRun: {},
      pastRun: null,
    });
    get().setBottomTab('run');
    try {
      const outcome = await engineClient().invoke('engine.run', {
        document: s.document(),
        runId,
        ...(only ? { only } : {}),
        ...(s.file.path ? { documentPath: s.file.path } : {}),
      });
      if (!outcome.ok) {
        set({ runStatus: 'invalid', validation: outcome.validation });
        get().toast('The pipeline has errors; they are marked on the nodes.', 'error');
        return;
      }
      const nodeRun = { ...get().nodeRun };
      for (const [id, r] of Object.entries(outcome.report.nodes)) {
        nodeRun[id] = {
          ...nodeRun[id],
          status: r.status,
          ...(r.error ? { error: r.error } : {}),
          ...(r.summary ? { summary: r.summary } : {}),
        };
      }
      set({ runStatus: outcome.report.status, nodeRun });
      get().onRunFinished();
    } catch (e) {
      set({ runStatus: 'error' });
      get().toast(`Run failed: ${(e as Error).message}`, 'error');
    } finally {
      set({ running: false });
    }
  },
  async cancel() {
    const id = get().runId;
    if (!id || !get().running) return;
    await engineClient().invoke('engine.cancel', { runId: id });
  },
  applyEvent(e) {
    const s = get();
    if (e.runId !== s.runId) return;
    if (e.type === 'run.started') {
      const nodeRun: Record<string, NodeRunState> = {};
      for (const id of e.nodeIds) nodeRun[id] = { status: 'queued' };
      set({ nodeRun });
      return;
    }
    if (e.type === 'node.log') {
      set({
        logs: [
          ...s.logs.slice(-MAX_LOGS + 1),
          { at: Date.now(), nodeId: e.nodeId, level: e.level, message: e.message },
        ],
      });
      return;
    }
    if (e.type === 'epoch.metrics') {
      const list = s.epochs[e.nodeId] ?? [];
      set({ epochs: { ...s.epochs, [e.nodeId]: [...list, { epoch: e.epoch, metrics: e.metrics }] } });
      return;
    }
    if (e.type === 'search.trial') {
      set({ trials: { ...s.trials, [e.nodeId]: withTrial(s.trials[e.nodeId] ?? [], e.trial) } });
      return;
    }
    if (e.type === 'run.finished') {
      set({
        logs: [
          ...s.logs,
          {
            at: Date.now(),
            nodeId: '',
            level: e.status === 'finished' ? 'info' : 'warn',
            message: `run ${e.status} in ${e.durationMs} ms`,
          },
        ],
      });
      return;
    }
    const next = nextNodeState(s.nodeRun[e.nodeId], e);
    if (!next) return;
    const line = nodeLogLine(e);
    set({
      nodeRun: { ...s.nodeRun, [e.nodeId]: next },
      ...(line ? { logs: [...s.logs.slice(-MAX_LOGS + 1), line] } : {}),
    });
  },
  async fetchResult(nodeId) {
    if (get().resultsLoading[nodeId]) return;
    set({ resultsLoading: { ...get().resultsLoading, [nodeId]: true } });
    try {
      const past = get().pastRun;
      const view = past
        ? await engineClient().invoke('engine.runResult', { runId: past.id, nodeId })
        : await engineClient().invoke('engine.result', { nodeId });
      if (get().pastRun?.id !== past?.id) return;
      set({ results: { ...get().results, [nodeId]: view } });
    } catch (e) {
      get().toast(`Could not load results of ${nodeId}: ${(e as Error).message}`, 'error');
    } finally {
      set({ resultsLoading: { ...get().resultsLoading, [nodeId]: false } });
    }
  },
  resetRun() {
    set(idleRun());
  },
  showPastRun(record) {
    const nodeRun: Record<string, NodeRunState> = {};
    for (const [id, n] of Object.entries(record.nodes)) {
      if (n.status === 'pending') continue;
      nodeRun[id] = {
        status: n.status,
        ...(n.error ? { error: n.error } : {}),
        ...(n.summary ? { summary: n.summary } : {}),
      };
    }
    set({
      ...idleRun(),
      runStatus: recordedStatus(record.status),
      nodeRun,
      epochs: record.epochs,
      pastRun: { id: record.id, startedAt: record.startedAt },
    });
    get().onRunFinished();
  },
});
