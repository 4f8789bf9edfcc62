import path from 'node:path';
import type { z } from 'zod';
import type {
  EngineEvent,
  NodeRegistry,
  NodeRunReport,
  NodeSummary,
  PipelineDocument,
  RunStatus,
  TrialUpdate,
} from '../../common';
import type { TrialRecord } from '../../common/runs/runRecord';
import { isPackagePath } from '../../common/graph/posixPath';
import { resolvePackagePath } from '../data/packagePath';

export interface ExecutorContext<P = unknown> {
  /** Upstream values by input port name (optional inputs may be absent). */
  inputs: Readonly<Record<string, unknown>>;
  /** The node and output port each connected input comes from (set by the engine). */
  inputSources?: Readonly<Record<string, { node: string; port: string }>>;
  params: P;
  /** Aborted on cancel; check it between batches and epochs. */
  signal: AbortSignal;
  /** Fraction in [0, 1] with an optional message. */
  progress: (fraction: number, message?: string) => void;
  log: (message: string, level?: 'info' | 'warn' | 'error') => void;
  /** Per-epoch metrics for live curves. */
  epochMetrics: (epoch: number, metrics: Record<string, number>) => void;
  /** A search trial's progress (tune.search); set by the engine. */
  trial?: (update: TrialUpdate) => void;
  nodeId: string;
  /** Folder where a node may write files that belong to this run's outputs. */
  workspace: string;
  /** Relative paths in params resolve against this folder (the pipeline file's). */
  baseDir: string;
  /** Which files the run may read and write; everything when absent (the CLI). */
  paths?: PathPolicy;
  /** The pipeline this node runs in, to run variants of it (tune.search's trials); set by the engine. */
  pipeline?: PipelineHost;
}

/** What a node sees of the run it belongs to, to run variants of the pipeline through the same engine. */
export interface PipelineHost {
  /** The document being run. */
  document: PipelineDocument;
  /** This node's cache key: its type, params and every upstream key. */
  key: string;
  /** The run ignores cached results (`--no-cache`). */
  noCache: boolean;
  /** Runs `doc` with this run's folders, path policy and caches; recorded as a child of this run when it is recorded. */
  run(doc: PipelineDocument, opts: VariantOptions): Promise<VariantRun>;
}

export interface VariantOptions {
  signal: AbortSignal;
  /** Nodes whose values the caller reads afterwards. */
  need: string[];
  /** Where the variant's nodes write files (checkpoints). */
  workspace: string;
  onEvent?: (e: EngineEvent) => void;
  /** Record it as a child run. @default true */
  record?: boolean;
}

export interface VariantRun {
  /** `invalid` when the variant does not validate (`error` says why). */
  status: RunStatus | 'invalid';
  nodes: Record<string, NodeRunReport>;
  error?: string;
  /** The child run's id in the run store, when it is recorded. */
  recordId?: string;
  load(nodeId: string): Promise<ExecutorResult | undefined>;
  /** Completes the child record with what the caller made of the run (none: as the engine ended it). */
  finish(trial?: TrialRecord): Promise<void>;
}

/** Where a run may read and write files (the studio confines both to its workspace). */
export interface PathPolicy {
  /** Throws a UserError naming `abs` when the run may not read it (`read`) or write it (`write`). */
  check(abs: string, access: 'read' | 'write'): void;
}

/**
 * A data path from a node's params made absolute: `package:<npm package>/<path>` inside one of
 * Weft's own dependencies (core/node/data/packagePath.ts), any other against `baseDir`.
 */
export function resolveDataPath(baseDir: string, p: string): string {
  if (!isPackagePath(p)) return path.resolve(baseDir, p);
  const r = resolvePackagePath(p);
  if ('error' in r) throw new UserError(r.error);
  return r.path;
}

/**
 * A path from a node's params, absolute, checked against the run's path policy. Data shipped in
 * Weft's own packages (`package:` paths) is read-only and readable by every run.
 */
export function resolveParamPath(
  ctx: Pick<ExecutorContext, 'baseDir' | 'paths'>,
  p: string,
  access: 'read' | 'write',
): string {
  const abs = resolveDataPath(ctx.baseDir, p);
  if (isPackagePath(p)) {
    if (access === 'write')
      throw new UserError(`${p}: data inside a package is read-only; write to a path of your own`);
  } else ctx.paths?.check(abs, access);
  return abs;
}

export interface ExecutorResult {
  /** Values by output port name. Plain data, typed arrays and Maps: they are cached with v8.serialize. */
  outputs: Record<string, unknown>;
  summary?: NodeSummary;
}

export type Executor<P = never> = (ctx: ExecutorContext<P>) => Promise<ExecutorResult>;

/** Executors keyed by node type. Built in `executors/index.ts` as a literal. */
export type ExecutorRegistry = Readonly<Record<string, Executor<never>>>;

/**
 * Exactly one executor per node type of `R`, each accepting the params its definition's zod schema
 * parses to. A literal checked with `satisfies ExecutorsFor<R>` fails to compile when a type has no
 * executor, when an executor names a type `R` lacks, or when an executor expects other params.
 */
export type ExecutorsFor<R extends NodeRegistry> = {
  readonly [K in keyof R]: Executor<z.output<R[K]['params']>>;
};

/** An error the user can act on; the CLI prints it without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A file that could not be read or written (missing, unreadable, a device, a full disk): exit code 2. */
export class InputError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'InputError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError();
}
