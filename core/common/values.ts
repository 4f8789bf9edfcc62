/**
 * Runtime values that travel between nodes. These are the contracts between node families
 * (data → training → evaluation → export); each value is plain data with typed arrays so the
 * executor's caches can store it with v8.serialize.
 */
import type { ColumnStats, ImageSample } from './protocol/engineApi';
import type { ColumnSchema, ColumnType } from './ports';
import type { FittedTransform } from './transforms/registry';
import type { CsrRows } from './sparse';

export type { FittedTransform };

/** A column of a Table: numbers (NaN = missing) or strings (null = missing). */
export type TableColumn =
  | { name: string; type: 'integer' | 'number' | 'boolean' | 'date'; values: Float64Array }
  | { name: string; type: 'category' | 'text'; values: (string | null)[] };

export interface TableValue {
  columns: TableColumn[];
  rowCount: number;
  /** The file it came from, for error messages. */
  source?: string;
  warnings?: string[];
  /** Row numbers (1-based) in the source file when rows were reordered (prep.shuffle); else row i is i + 1. */
  rowIds?: Int32Array;
}

/** A raw input column as a user would feed it to an exported model. */
export interface RawFeature {
  name: string;
  type: ColumnType;
}

/**
 * Where a lazy split's features come from: a plain, serializable descriptor that a node-side reader
 * (core/node/data/splitRows.ts) decodes a few rows at a time. `files` are absolute paths in sample
 * order, decoded exactly as the eager reader decodes them (NCHW float32 in [0, 1]).
 */
export interface LazyImageRows {
  kind: 'images';
  /** One absolute file path per row, in row order. */
  files: string[];
  width: number;
  height: number;
  color: 'grayscale' | 'rgb';
  fit: 'fill' | 'cover' | 'contain';
}

export interface DatasetSplit {
  /**
   * Row-major features, `n × prod(featureShape)`. Empty (length 0) when `lazy` is set: read rows
   * through core/node/data/splitRows.ts (`readRows`, `readRowsAt`) instead of indexing `x`. A
   * tabular split's `x` may be written on first read (core/common/deferFeatures.ts).
   */
  x: Float32Array;
  /**
   * Set when the features are too large to hold in memory (e.g. `data.images` above its
   * `memoryBudgetMB`): how to decode any row on demand. Labels stay in `y`.
   */
  lazy?: LazyImageRows;
  /**
   * Set when a fitted transform gives mostly-zero features (prep.tfidf): the rows in CSR form, and
   * `x` is empty. Learners that read sparse rows use it as is; other readers densify with a size
   * check (core/common/sparse.ts).
   */
  sparse?: CsrRows;
  /** Class indices (classification) or targets `n × targetDim` (regression). */
  y: Int32Array | Float32Array;
  n: number;
  /**
   * For tabular data: the raw columns before transforms, for export checks and refitting. With
   * `rawRows` they are shared (e.g. the whole table) and row k of this split is
   * `raw[c].values[rawRows[k]]`; read them through core/common/splitRaw.ts.
   */
  raw?: TableColumn[];
  /** Row k's index in the `raw` columns when they are shared rather than this split's own. */
  rawRows?: Int32Array;
  /**
   * The file this split was read from when it has a source of its own (a test file given to the
   * reader or to prep.split's `test` input), e.g. `t10k-images-idx3-ubyte.gz`. Absent for splits
   * cut by ratio from the dataset's main source.
   */
  source?: string;
  /** Row numbers (1-based) in the source file, carried through split and shuffle. */
  rowIds?: Int32Array;
  /**
   * Windowed time series (prep.window): for each sample, the index in the time-sorted series
   * (`DatasetValue.series`) of the last row of its input window; its targets are the next `horizon` rows.
   */
  windowEnd?: Int32Array;
}

/**
 * How prep.window cut a time series into samples, carried by the dataset and by every model trained
 * on it. Samples are `[lookback, features.length]` windows of standardized values (feature names
 * `<column>@t-<lag>`, the last step `<column>@t`); targets are the next `horizon` values of
 * `target`, standardized with `scaling.targetMean`/`targetStd`.
 */
export interface WindowSpec {
  /** The column the rows were sorted by. */
  timeColumn: string;
  /** `date` (milliseconds since 1970, UTC) or `number`. */
  timeType: 'date' | 'number';
  /** Value columns in the order of a sample's last axis. */
  features: string[];
  target: string;
  lookback: number;
  horizon: number;
  stride: number;
  /**
   * Each step holds the change since the previous row (`v[t] − v[t−1]`), and the targets are the
   * target's changes from the window's last row (`y[e+h] − y[e]`): a prediction in original units
   * is that last value plus the unscaled change.
   */
  differences: boolean;
  /**
   * Standardization fitted on the training period only (population std, as scikit-learn's
   * StandardScaler; a zero std divides by 1), of the values or, with `differences`, of their
   * step-to-step changes. Absent when prep.window's `scale` is `none`.
   */
  scaling?: { mean: number[]; std: number[]; targetMean: number; targetStd: number };
}

/** The whole series behind a windowed dataset, sorted by time, in original units. */
export interface SeriesHistory {
  time: Float64Array;
  target: Float64Array;
  /** First row of the validation and test periods (the series length where a split is absent). */
  validationStart: number;
  testStart: number;
}

export interface DatasetValue {
  task: 'classification' | 'regression';
  /** Per-sample feature shape after assembly, e.g. `[4]` or `[1, 28, 28]`. */
  featureShape: number[];
  featureNames?: string[];
  classNames?: string[];
  targetName?: string;
  /** Regression target width. @default 1 */
  targetDim?: number;
  /** Splits by name: `train`, and optionally `validation` and `test`. */
  splits: Record<string, DatasetSplit>;
  /** For tabular data: the raw feature columns and the fitted transforms that map them to `x`. */
  rawFeatures?: RawFeature[];
  transforms: FittedTransform[];
  /** Content hash of the source data (for run records and model cards). */
  fingerprint?: string;
  /** Set by prep.window: how samples were cut from a time series. */
  window?: WindowSpec;
  /** Set by prep.window: the series itself, for the naive baseline and forecast plots. */
  series?: SeriesHistory;
}

export interface PredictionsValue {
  task: 'classification' | 'regression';
  split: string;
  n: number;
  classNames?: string[];
  /** Predicted class index (classification) or value (regression, `n × targetDim`). */
  predicted: Int32Array | Float32Array;
  /** Class probabilities, `n × classes` (classification). */
  probabilities?: Float32Array;
  /** Ground truth where the dataset has it. */
  actual?: Int32Array | Float32Array;
  /** Row numbers (1-based) in the source file, where the split carries them. */
  rowIds?: Int32Array;
}

/** A table for display: the studio renders it, the CLI prints it. */
export interface DisplayTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface MetricsValue {
  task: 'classification' | 'regression';
  split: string;
  /** The split with its source when it has one of its own, e.g. `test (t10k-images-idx3-ubyte.gz, 10,000 rows)`. */
  splitLabel?: string;
  /** Headline numbers, e.g. `accuracy`, `f1_macro`, `rmse`. */
  scalars: Record<string, number>;
  tables: DisplayTable[];
  classNames?: string[];
  /** `confusion[actual][predicted]`. */
  confusion?: number[][];
  /** One curve per class (one-vs-rest) or one for binary. */
  roc?: { label: string; fpr: number[]; tpr: number[]; auc: number }[];
  /** Regression: predicted vs residual pairs, for plots (subsampled). */
  residuals?: { predicted: number[]; residual: number[] };
  /** eval.compare: every learner's scores, for the studio's comparison table and overlaid ROC curves. */
  comparison?: ComparisonValue;
  /** eval.importance: permutation importance per feature, sorted by mean drop. */
  importance?: ImportanceValue;
  /** eval.compression: trained models side by side (accuracy, size, latency). */
  compression?: CompressionValue;
  /** eval.regression on a windowed series: history, actual and predicted, for the forecast plot. */
  forecast?: ForecastPlot;
}

/**
 * A forecast in original units for plotting: the series' target over time, and for each scored
 * sample the one-step-ahead (first horizon step) actual, predicted and naive values at its time.
 */
export interface ForecastPlot {
  target: string;
  timeType: 'date' | 'number';
  /** The whole series (subsampled to at most 2,000 points). */
  history: { time: number[]; value: number[] };
  /** Scored samples, in time order. */
  time: number[];
  actual: number[];
  predicted: number[];
  naive: number[];
}

/** A metric's mean and standard deviation over folds, with the per-fold values. */
export interface FoldScore {
  mean: number;
  /** Population standard deviation over folds (numpy's `std`, ddof 0). */
  std: number;
  folds: number[];
}

/** One learner's row of an eval.compare result. */
export interface LearnerComparison {
  /** Node id of the learner node (whose learner output is connected). */
  id: string;
  /** Its node type, e.g. `ml.forest`, `train.trainer`. */
  learner: string;
  scores: Record<string, FoldScore>;
  /** Mean seconds per fold to fit (preprocessing steps excluded) and to predict the held-out rows. */
  fitSeconds: number;
  predictSeconds: number;
  best: boolean;
  /** The corrected resampled t-test of the best learner against this one on the ranking metric. */
  versusBest?: { meanDifference: number; t: number; p: number; significant: boolean };
  /** Confusion matrix of the held-out predictions summed over folds, `[actual][predicted]`. */
  confusion?: number[][];
  /** ROC curves of the pooled held-out probabilities (binary: one; otherwise one per class). */
  roc?: { label: string; fpr: number[]; tpr: number[]; auc: number }[];
}

/** The result of eval.compare. */
export interface ComparisonValue {
  mode: 'cv' | 'test';
  folds: number;
  repeats: number;
  /** Metrics in display order. */
  metrics: string[];
  rankBy: string;
  /** Whether a higher value of `rankBy` is better (false for losses and errors). */
  higherIsBetter: boolean;
  alpha: number;
  learners: LearnerComparison[];
}

/** One model of a compression report, every figure measured by eval.compression on the same rows and machine. */
export interface CompressedModel {
  /** The node the model came from. */
  id: string;
  /** How it was made, e.g. `distilled; pruned (structured 50%); int8`. */
  kind: string;
  /** Share of the scored rows whose arg-max class is the label. */
  accuracy: number;
  /** Numbers in the model's weight tensors (ONNX initialisers less scalars, int64 shapes, quantisation scales and zero points). */
  parameters: number;
  /** Those that are not zero. */
  nonzero: number;
  /** ONNX file size in bytes. */
  bytes: number;
  /** Median onnxruntime run time (CPU, one thread) of one row, in ms. */
  batch1Ms: number;
  /** Median onnxruntime run time (CPU, one thread) of 256 rows, in ms. */
  batch256Ms: number;
}

/** The result of eval.compression: models side by side, ratios against the first (the reference). */
export interface CompressionValue {
  split: string;
  /** Rows whose predictions gave the accuracies. */
  rows: number;
  models: CompressedModel[];
  /** Models whose accuracy is more than the node's `maxAccuracyDrop` below the reference's. */
  warnings: string[];
}

/** The result of eval.importance. */
export interface ImportanceValue {
  metric: string;
  /** The metric on the unshuffled rows. */
  baseline: number;
  repeats: number;
  /** Per feature (or original column of a one-hot group), sorted by `mean` descending. */
  features: { name: string; mean: number; std: number; values: number[] }[];
}

/** The training loop's record of one epoch. */
export interface EpochRecord {
  epoch: number;
  metrics: Record<string, number>;
}

/** How a model was pruned (opt.prune), carried so that fine-tuning keeps the pruned weights at zero. */
export interface PruningInfo {
  /** `magnitude`: unstructured, weights zeroed by |w|; `structured`: whole units removed by L2 norm. */
  method: 'magnitude' | 'structured';
  /** Target share of the pruned kernels' weights (magnitude) or of each layer's units (structured). */
  sparsity: number;
  /** Magnitude: one threshold over all kernels, or the same share in each layer. */
  scope: 'global' | 'layer';
  /** `gradual`: fine-tuning ramps the sparsity up from the dense weights over its first epochs. */
  schedule: 'oneshot' | 'gradual';
  /** 1 keeps, 0 prunes, by kernel parameter name (magnitude pruning). */
  masks?: Record<string, Float32Array>;
  /** Gradual schedule: the weights before pruning, where fine-tuning starts. */
  dense?: Record<string, Float32Array>;
}

/**
 * A trained model: the inference graph with the trained weights baked in as initializers,
 * plus what export and evaluation need to use it on raw data.
 */
export interface TrainedModelValue {
  task: 'classification' | 'regression';
  featureShape: number[];
  featureNames?: string[];
  classNames?: string[];
  targetName?: string;
  targetDim?: number;
  rawFeatures?: RawFeature[];
  transforms: FittedTransform[];
  /** Trained on windows of a time series (prep.window): the input is one standardized window. */
  window?: WindowSpec;
  /**
   * ONNX model bytes (opset ≥ 17). Input `inputName`: float32 `[batch, ...featureShape]`.
   * Output `outputName`: class probabilities `[batch, classes]` (softmax applied) for
   * classification, predictions `[batch, targetDim]` for regression.
   */
  onnx: Uint8Array;
  inputName: string;
  outputName: string;
  /** The model IR (core/common/model) the graph was built from, for TF.js export. */
  spec: unknown;
  /** Trained weights by IR parameter name, for TF.js export. */
  weights: Record<string, Float32Array>;
  history: EpochRecord[];
  /** Execution provider training ran on, e.g. `cpu`, `cuda`. */
  provider: string;
  datasetFingerprint?: string;
  /** Trainer params (epochs, batch size, optimizer, seed...) for model cards and run records. */
  trainParams: Record<string, unknown>;
  /**
   * Set for a Weft export loaded back (model.onnx): the graph takes the raw columns and applies
   * `transforms` itself, so it is fed a split's raw columns instead of its features.
   */
  rawInputs?: true;
  /** False when the fitted steps the model was trained behind are unknown (an ONNX file without a model card). @default true */
  preparationKnown?: false;
  /** Set by opt.prune (and kept by fine-tuning): the pruning masks and target. */
  pruning?: PruningInfo;
}

/**
 * An unfitted learner: the recipe a learner node (ml.*) or the neural trainer fitted, enough for a comparison or
 * search node to fit it again on other rows (core/common/learners `fitLearner`).
 */
export interface LearnerValue {
  format: 'weft.learner';
  /** The learner node type, e.g. `ml.forest`. */
  learner: string;
  task: 'classification' | 'regression';
  /** The node's params, defaults filled in. */
  params: Record<string, unknown>;
  /** Seed of every random choice the fit makes (0 for deterministic learners). */
  seed: number;
  /** For `train.trainer`: the model spec (core/common/model ModelSpecValue) its params train. */
  model?: unknown;
  /**
   * The data the learner node was fitted on: where its rows came from and the fitted steps between
   * the raw columns and its features, so eval.compare can check that its training data comes from
   * the compared dataset and carry those steps (core/common/nodes/eval/learnerPipeline.ts).
   */
  trainedOn?: TrainedOn;
}

/** Which rows a split holds and their labels, as order-free digests (core/common/learners/trainedOn.ts). */
export interface SplitDigest {
  n: number;
  /** Digest of the rows' source row numbers (or indexes into the raw columns). */
  rows: string;
  /** Digest of each row's number paired with its label. */
  labels: string;
}

/** The lineage and preparation of a learner's training data (`LearnerValue.trainedOn`). */
export interface TrainedOn {
  /** The source table's content hash (`DatasetValue.fingerprint`), when the dataset has one. */
  fingerprint?: string;
  targetName?: string;
  classNames?: string[];
  targetDim?: number;
  splits: Record<string, SplitDigest>;
  rawFeatures?: RawFeature[];
  /** The fitted steps from the raw columns to the learner's features, in order. */
  transforms: FittedTransform[];
  window?: WindowSpec;
}

/**
 * What a data reader reports about its source, for the studio's data preview and
 * `weft data inspect`. Shaped like the engine api's `DataPreview` view, plus the schema.
 */
export interface DataPreviewValue {
  source?: string;
  /** Reader that produced it: `csv`, `json`, `npy`, `npz`, `idx`, `images`, `dataset`. */
  format: string;
  rowCount: number;
  /** Column names and inferred types (feature columns for tensor data). */
  schema: ColumnSchema[];
  /** Per-column statistics; numeric ones skip missing values, `std` is the population std. */
  stats: ColumnStats[];
  /** The first rows. */
  head: DisplayTable;
  classColumn?: string;
  classHistogram?: { label: string; count: number }[];
  /** Per-sample shape of tensor data, e.g. `[1, 28, 28]`. */
  sampleShape?: number[];
  images?: ImageSample[];
  warnings?: string[];
}
