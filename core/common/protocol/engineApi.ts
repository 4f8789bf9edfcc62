import { z } from 'zod';
import type { ExploreView } from '../explore/exploreTable';
import type { ValidationResult } from '../graph/validateGraph';
import type { PortType } from '../ports';
import type { DataPreviewValue, DisplayTable, EpochRecord, MetricsValue } from '../values';
import type { NodeSummary, RunReport } from './events';

/**
 * One channel of a request/response contract: a zod schema every transport checks the params
 * against, and the result type (type-level only; `result` is never set at run time).
 */
export interface ChannelSpec<P extends z.ZodType = z.ZodType, R = unknown> {
  params: P;
  readonly result?: R;
}

/** Declares a channel: `channel<Result>()(paramsSchema)`. */
export function channel<R>() {
  return <P extends z.ZodType>(params: P): ChannelSpec<P, R> => ({ params });
}

/** A node type as the engine describes it (`weft nodes --json`). */
export interface NodeInfo {
  type: string;
  version: number;
  title: string;
  category: string;
  doc: string;
  inputs: { name: string; type: PortType; optional: boolean; doc?: string }[];
  outputs: { name: string; type: PortType; doc?: string }[];
  params: unknown;
  defaults: unknown;
}

export type ValidateResult = ValidationResult | { ok: false; documentErrors: string[] };

export type RunResult = { ok: true; report: RunReport } | { ok: false; validation: ValidationResult };

/** Per-column statistics of a previewed table. */
export interface ColumnStats {
  name: string;
  type: string;
  count: number;
  missing: number;
  /** Numeric columns. */
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  /** Categorical columns: distinct values and the most frequent ones with counts. */
  unique?: number;
  top?: { value: string; count: number }[];
}

/** One sample of an image dataset, as 8-bit grey or RGB pixels (plain numbers: it travels as JSON). */
export interface ImageSample {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Row-major `height × width × channels`, 0–255. */
  pixels: number[];
  label?: string;
  /** The same pixels as a PNG data URL (`data:image/png;base64,...`), where the reader made one. */
  dataUrl?: string;
}

/**
 * What the studio shows for a table or a dataset split: a reader's `DataPreviewValue` (first rows,
 * per-column statistics, class histogram, image samples) with a title. Rows are capped.
 */
export type DataPreviewView = DataPreviewValue & {
  title: string;
  /**
   * Set when the whole table behind the preview can be paged (`engine.rows`) and explored
   * (`engine.explore`); `run` names the recorded run whose kept value it is (a past run's results).
   */
  data?: { port: string; split?: string; run?: string };
};

export type { ExploreView } from '../explore/exploreTable';
export type { ColumnDistribution } from '../explore/distribution';

/** One page of a node's table, after its filters and sort. */
export interface RowsPage {
  columns: { name: string; type: string }[];
  /** Rows in the table. */
  rowCount: number;
  /** Rows the filters keep. */
  total: number;
  offset: number;
  rows: (string | number | null)[][];
  /** Each row's number in the source (1-based). */
  rowNumbers: number[];
}

/** A trained model described for display (the ONNX bytes and weights stay in the engine). */
export interface ModelView {
  task: 'classification' | 'regression';
  featureShape: number[];
  classNames?: string[];
  provider: string;
  history: EpochRecord[];
  trainParams: Record<string, unknown>;
  onnxBytes: number;
}

/** One output port's displayable result. */
export type OutputView =
  | { port: string; kind: 'preview'; previews: DataPreviewView[] }
  | { port: string; kind: 'metrics'; metrics: MetricsValue }
  | { port: string; kind: 'model'; model: ModelView }
  | { port: string; kind: 'tables'; tables: DisplayTable[] }
  | { port: string; kind: 'other'; text: string };

/** The columns a node's input table holds, or why they are not known yet. */
export type UpstreamColumns =
  { ok: true; columns: Pick<ColumnStats, 'name' | 'type' | 'count' | 'missing'>[] } | { ok: false; reason: string };

/** A node's results in the last run that computed or reused them, or in a recorded past run. */
export interface NodeResultView {
  nodeId: string;
  runId: string;
  summary?: NodeSummary;
  outputs: OutputView[];
  /**
   * A past run's node whose value the cache no longer holds (a cheap result kept only as a summary,
   * or an entry removed to make room): why, for the panel. `outputs` is then empty.
   */
  notKept?: string;
}

const recordedRunId = z
  .string()
  .regex(/^[a-z0-9-]+$/)
  .min(1)
  .max(100);

const dataRef = {
  /** A recorded run whose kept value to read (a past run's results); the last run's value when absent. */
  run: recordedRunId.optional(),
  nodeId: z.string().min(1).max(200),
  port: z.string().min(1).max(200),
  /** A dataset's split (`train`, `validation`, `test`); absent for a table. */
  split: z.string().min(1).max(100).optional(),
};
const columnName = z.string().min(1).max(1000);

const documentParam = z.unknown().describe('a pipeline document (JSON object or text)');
const nodeId = z.string().min(1).max(200);
/** The most node ids one `engine.columnsBatch` request may name. */
export const MAX_BATCH_NODES = 20_000;

/**
 * The engine's request contract, shared by the studio server (HTTP + WebSocket) and Electron IPC:
 * one map from channel to its params schema and result type. Events travel as `EngineEvent`.
 */
export const engineApi = {
  'engine.nodes': channel<NodeInfo[]>()(z.object({})),
  'engine.validate': channel<ValidateResult>()(z.object({ document: documentParam })),
  'engine.run': channel<RunResult>()(
    z.object({
      document: documentParam,
      only: nodeId.optional(),
      noCache: z.boolean().optional(),
      runId: z.string().min(1).max(100).optional(),
      /** The document's file, when saved: relative paths in params resolve against its folder. */
      documentPath: z.string().max(4096).optional(),
    }),
  ),
  'engine.cancel': channel<{ cancelled: boolean }>()(z.object({ runId: z.string().min(1).max(100) })),
  /** Displayable results of a node from the last run that produced them; `null` when none. */
  'engine.result': channel<NodeResultView | null>()(
    z.object({ nodeId, maxRows: z.number().int().min(1).max(5000).optional() }),
  ),
  /**
   * Displayable results of a node in a recorded run, rebuilt from the values the cache kept under the
   * record's node keys (never recomputed); `null` when the node did not finish in that run.
   */
  'engine.runResult': channel<NodeResultView | null>()(
    z
      .object({
        runId: recordedRunId,
        nodeId,
        maxRows: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
  ),
  /** A page of the table (or dataset split) a node output in its last run: filtered and sorted over every row. */
  'engine.rows': channel<RowsPage>()(
    z
      .object({
        ...dataRef,
        offset: z.number().int().min(0).max(2_000_000_000),
        limit: z.number().int().min(1).max(1000),
        sort: z.object({ column: columnName, descending: z.boolean().optional() }).strict().optional(),
        filters: z
          .array(z.object({ column: columnName, text: z.string().max(200) }).strict())
          .max(500)
          .optional(),
      })
      .strict(),
  ),
  /** Distributions, a point sample coloured by class, correlations and a 2-D PCA of a node's table or split. */
  'engine.explore': channel<ExploreView>()(
    z
      .object({
        ...dataRef,
        classColumn: columnName.optional(),
        maxPoints: z.number().int().min(10).max(20_000).optional(),
        standardize: z.boolean().optional(),
      })
      .strict(),
  ),
  /**
   * The columns of the table flowing into a node's first table input, with types and missing counts:
   * the studio runs the upstream nodes (cached, not recorded) to read them. For column pickers.
   */
  'engine.columns': channel<UpstreamColumns>()(
    z.object({
      document: documentParam,
      nodeId,
      documentPath: z.string().max(4096).optional(),
    }),
  ),
  /**
   * `engine.columns` for several nodes of one document in one request: the answers in the order of
   * `nodeIds`, each upstream node run once however many nodes read its table.
   */
  'engine.columnsBatch': channel<UpstreamColumns[]>()(
    z.object({
      document: documentParam,
      nodeIds: z.array(nodeId).min(1).max(MAX_BATCH_NODES),
      documentPath: z.string().max(4096).optional(),
    }),
  ),
} as const;

export type EngineChannel = keyof typeof engineApi;
export type EngineParams<C extends EngineChannel> = z.infer<(typeof engineApi)[C]['params']>;
export type EngineResult<C extends EngineChannel> = Exclude<(typeof engineApi)[C]['result'], undefined>;
