import type { EpochRecord } from '../values';
import type { TreeSketch } from './treeSketch';
import type { CsrRows } from '../sparse';
import type { LearnerThreads } from './threads';

/** The training rows a learner fits: row-major float32 features, labels, and what they mean. */
export interface FitData {
  task: 'classification' | 'regression';
  /** Row-major features, `n × d` (the dataset's feature shape flattened); empty when `sparse` is set. */
  x: Float32Array;
  /** The same rows in CSR form, for learners whose `readsSparse` accepts them (TF-IDF features). */
  sparse?: CsrRows;
  n: number;
  d: number;
  /** Per-sample feature shape of the exported model's input, e.g. `[4]` or `[1, 8, 8]`. */
  featureShape: readonly number[];
  /** Class indices (classification) or targets `n × targetDim` (regression). */
  y: Int32Array | Float32Array;
  /** Number of classes (classification); 0 for regression. */
  classes: number;
  /** Regression target width; 1 for classification. */
  targetDim: number;
  /** One name per feature column (`x0`, `x1`… where the dataset has none). */
  featureNames: readonly string[];
}

/** How a fit talks to its host: progress, cancellation, live curves and warnings. */
export interface FitHooks {
  /** Reports progress between trees or iterations; rejects when the run was cancelled. */
  step(fraction: number, message: string): Promise<void>;
  /** One point of a live curve (boosting loss per iteration). */
  epoch(iteration: number, metrics: Record<string, number>): void;
  /** A warning the user should see, e.g. a solver that did not converge. */
  warn(message: string): void;
  /** Opens up to `count` worker threads for the fit; absent, or resolves undefined, where the host has none. */
  threads?(count: number): Promise<LearnerThreads | undefined>;
  /** The thread count a `threads` param of 0 stands for (the machine's cores). @default 1 */
  autoThreads?: number;
}

/** A fitted learner: its ONNX graph and what the node reports about it. */
export interface Fitted {
  /**
   * ONNX model bytes: input `input` float32 `[batch, ...featureShape]`; output `output`,
   * probabilities `[batch, classes]` (classification) or predictions `[batch, targetDim]`.
   */
  onnx: Uint8Array;
  /** The same outputs computed in TypeScript, row-major. */
  predict(x: Float32Array, n: number): Float32Array;
  /** One line for the node's summary. */
  text: string;
  /** Headline figures: depth, leaves, OOB score, training loss… */
  metrics: Record<string, number>;
  /** Per-iteration records for iterative learners. */
  history: EpochRecord[];
  /** What the fit found that a model card should keep (iterations run, coefficients…). */
  info: Record<string, unknown>;
  /** The first levels of the (first) tree, drawn in the studio. */
  tree?: TreeSketch;
}

/** One classical learner: a pure fit on typed arrays, registered in `learners/index.ts`. */
export interface LearnerModule<P = Record<string, unknown>> {
  /** The node type that runs it, e.g. `ml.tree`. */
  type: string;
  /** Tasks it fits; the others are refused with `wrongTask`. */
  tasks: readonly ('classification' | 'regression')[];
  /** What to tell a user who connected a dataset of a task it does not fit. */
  wrongTask?: string;
  /** Whether NaN features are handled natively (histogram boosting) instead of refused. */
  handlesMissing: boolean;
  /**
   * Whether the fit reads sparse rows (`FitData.sparse`) with these params; others get sparse
   * features densified, within a size limit. @default never
   */
  readsSparse?(params: P, task: 'classification' | 'regression'): boolean;
  /** Seed of the fit's random choices, from its params. */
  seedOf(params: P): number;
  fit(data: FitData, params: P, hooks: FitHooks): Promise<Fitted>;
}

/** A learner problem the user can act on (bad params for the data, a singular system…). */
export class LearnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LearnerError';
  }
}
