import { z } from 'zod';
import type { TreeSketch, TreeSketchNode } from '../learners/treeSketch';

const TreeSketchNodeSchema: z.ZodType<TreeSketchNode> = z.lazy(() =>
  z.object({
    split: z.object({ feature: z.string(), threshold: z.number() }).optional(),
    value: z.array(z.number()),
    children: z.tuple([TreeSketchNodeSchema, TreeSketchNodeSchema]).optional(),
  }),
);
const TreeSketchSchema: z.ZodType<TreeSketch> = z.object({
  title: z.string(),
  depth: z.number(),
  classNames: z.array(z.string()).optional(),
  root: TreeSketchNodeSchema,
});

export const NodeSummarySchema = z.object({
  metrics: z.record(z.string(), z.number()).optional(),
  files: z.array(z.string()).optional(),
  text: z.string().optional(),
  provider: z.string().optional(),
  tree: TreeSketchSchema.optional(),
});
/** What a node reports about its result: headline metrics, files written, a line of text. */
export type NodeSummary = z.infer<typeof NodeSummarySchema>;

export type NodeStatus = 'idle' | 'queued' | 'running' | 'cached' | 'done' | 'failed' | 'cancelled';
export type RunStatus = 'finished' | 'failed' | 'cancelled';

/**
 * Every event the engine emits. The CLI, the studio server and Electron IPC forward these unchanged.
 * Each node named in `run.started` ends with exactly one of `node.cached`, `node.finished`,
 * `node.failed` or `node.cancelled`.
 */
export type EngineEvent =
  | { type: 'run.started'; runId: string; nodeIds: string[]; at: number }
  | { type: 'node.started'; runId: string; nodeId: string }
  | { type: 'node.progress'; runId: string; nodeId: string; fraction: number; message?: string }
  | { type: 'node.cached'; runId: string; nodeId: string; summary?: NodeSummary }
  | { type: 'node.finished'; runId: string; nodeId: string; durationMs: number; summary?: NodeSummary }
  | { type: 'node.failed'; runId: string; nodeId: string; error: string; upstream?: string }
  | NodeCancelledEvent
  | { type: 'node.log'; runId: string; nodeId: string; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'epoch.metrics'; runId: string; nodeId: string; epoch: number; metrics: Record<string, number> }
  | { type: 'search.trial'; runId: string; nodeId: string; trial: TrialUpdate }
  | { type: 'run.finished'; runId: string; status: RunStatus; durationMs: number };

/** A search trial started, reported an epoch, or ended (tune.search). */
export interface TrialUpdate {
  /** 0-based trial number. */
  index: number;
  /** How many trials the search may run. */
  of: number;
  status: 'running' | 'finished' | 'pruned' | 'failed';
  /** The trial's values by `node.param`. */
  params: Record<string, unknown>;
  /** The objective's metric name, and whether higher is better. */
  metric: string;
  maximize: boolean;
  /** The last epoch the trial reported, and its value of `epochMetric`. */
  epoch?: number;
  epochMetric?: string;
  value?: number;
  objective?: number;
  cost?: number;
  reason?: string;
  /** The best finished trial so far. */
  best?: { index: number; objective: number };
  /** The trial's run id in the run store, when recorded. */
  recordId?: string;
}

/**
 * A node stopped by a cancel: it was running and stopped, it had not started when the run was
 * cancelled, or it was not run because `upstream` was cancelled.
 */
export interface NodeCancelledEvent {
  type: 'node.cancelled';
  runId: string;
  nodeId: string;
  /** The cancelled node this one depended on, when that is why it did not run. */
  upstream?: string;
}

/** How a cancelled node is described to a person (logs, CLI lines, run records). */
export function describeCancelled(e: Pick<NodeCancelledEvent, 'upstream'>): string {
  return e.upstream ? `not run: upstream node ${e.upstream} cancelled` : 'cancelled';
}

export interface NodeRunReport {
  status: Exclude<NodeStatus, 'idle' | 'queued' | 'running'>;
  durationMs: number;
  cached: boolean;
  error?: string;
  summary?: NodeSummary;
}

export interface RunReport {
  runId: string;
  status: RunStatus;
  durationMs: number;
  nodes: Record<string, NodeRunReport>;
}
