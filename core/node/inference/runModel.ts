import * as ort from 'onnxruntime-node';
import type { DatasetSplit, DatasetValue, TrainedModelValue } from '../../common';
import { throwIfAborted, UserError } from '../executors/Executor';
import { preparationDiff } from '../../common/nodes/eval/preparationDiff';
import { batchReader } from '../data/splitRows';
import { pendingBytes } from '../../common/deferFeatures';
import { describeModel } from '../onnx/inspect';
import { runOnSplit } from '../onnx/runOnDataset';
import { openSession, type ProviderChoice } from '../onnx/session';

/** Sparse rows are densified per batch; a batch holds at most this many floats (64 MiB). */
const SPARSE_BATCH_FLOATS = 16 * 1024 * 1024;

export interface PredictOptions {
  batchSize?: number;
  provider?: ProviderChoice;
  signal?: AbortSignal;
  progress?: (fraction: number, message?: string) => void;
}

export interface ModelOutput {
  /** Row-major `n × width`: probabilities (classification) or predictions (regression). */
  values: Float32Array;
  width: number;
  provider: string;
  notes: string[];
}

/**
 * Runs a trained model's inference graph over `n` feature rows in batches and returns its output
 * rows. The rows are a flat array or a dataset split (a lazy split is decoded batch by batch).
 * The session is released before returning.
 */
export async function runTrainedModel(
  model: TrainedModelValue,
  source: Float32Array | DatasetSplit,
  n: number,
  opts: PredictOptions = {},
): Promise<ModelOutput> {
  if (model.rawInputs) return runOnRawColumns(model, source, opts);
  const rowSize = model.featureShape.reduce((a, b) => a * b, 1);
  const split: DatasetSplit = source instanceof Float32Array ? { x: source, y: new Int32Array(0), n } : source;
  // a split whose x is still unbuilt is counted by its pending size and read a batch at a time
  // without building it (batchReader)
  const unbuilt = pendingBytes(split);
  const length = split.lazy
    ? split.lazy.files.length * rowSize
    : split.sparse
      ? split.sparse.rows * split.sparse.cols
      : unbuilt !== undefined
        ? unbuilt / 4
        : split.x.length;
  const have = split.lazy ? (split.lazy.color === 'rgb' ? 3 : 1) * split.lazy.width * split.lazy.height : 0;
  if (length !== n * rowSize || (split.lazy && have !== rowSize)) {
    throw new UserError(
      `the model expects ${rowSize} features per row ([${model.featureShape.join(', ')}]) but the data has ${split.lazy ? have : length / Math.max(n, 1)}`,
    );
  }
  // Weights are baked in as initializers here, so level 'all' (NCHWc conv layouts, pre-packing)
  // pays off: 1.6× on the bench CNN, even on the MLP (measured, 1 thread and default threads).
  const opened = await openSession(model.onnx, { provider: opts.provider ?? 'cpu', graphOptimizationLevel: 'all' });
  try {
    const batch = Math.max(
      1,
      Math.min(opts.batchSize ?? 1024, split.sparse ? SPARSE_BATCH_FLOATS / rowSize : Infinity) | 0,
    );
    let values: Float32Array | undefined;
    let width = 0;
    const read = batchReader(split, batch);
    for (let start = 0; start < n; start += batch) {
      if (opts.signal) throwIfAborted(opts.signal);
      const end = Math.min(n, start + batch);
      const x = await read(start, end - start, opts.signal);
      const feed = new ort.Tensor('float32', x, [end - start, ...model.featureShape]);
      const result = await opened.session.run({ [model.inputName]: feed });
      const out = result[model.outputName];
      if (!out) throw new Error(`the model has no output named ${model.outputName}`);
      const data = out.data as Float32Array;
      width = data.length / (end - start);
      values ??= new Float32Array(n * width);
      values.set(data, start * width);
      out.dispose();
      opts.progress?.(end / n, `${end}/${n} rows`);
    }
    return { values: values ?? new Float32Array(0), width, provider: opened.provider, notes: opened.notes };
  } finally {
    await opened.session.release();
  }
}

/** A Weft export loaded back: fed the split's raw columns, its own preprocessing inside the graph. */
async function runOnRawColumns(
  model: TrainedModelValue,
  source: Float32Array | DatasetSplit,
  opts: PredictOptions,
): Promise<ModelOutput> {
  if (source instanceof Float32Array || !source.raw) {
    throw new UserError(
      'this Weft export takes raw columns, but the rows have none; connect a tabular dataset (from prep.split)',
    );
  }
  const opened = await openSession(model.onnx, { provider: opts.provider ?? 'cpu' });
  try {
    const info = describeModel(opened.session, model.onnx);
    const out = await runOnSplit(opened.session, info, source, {
      output: model.outputName,
      featureShape: model.featureShape,
      batchSize: Math.max(1, opts.batchSize ?? 1024),
      where: 'the model',
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
    });
    return { values: out.values, width: out.width, provider: opened.provider, notes: opened.notes };
  } finally {
    await opened.session.release();
  }
}

/** The named split of a dataset, or a UserError listing the splits it has. */
export function pickSplit(data: DatasetValue, split: string, node: string): DatasetSplit {
  const s = data.splits[split];
  if (!s) {
    throw new UserError(
      `${node}: the dataset has no "${split}" split (it has ${Object.keys(data.splits).join(', ')}); pick one of those in the split parameter`,
    );
  }
  if (s.n === 0) throw new UserError(`${node}: the "${split}" split is empty; give it a non-zero ratio in prep.split`);
  return s;
}

/**
 * Checks that a dataset fits a model: same task and feature shape, and prepared as the model's
 * training data (class names, feature columns, fitted steps); `split` names the split in messages.
 */
export function checkCompatible(model: TrainedModelValue, data: DatasetValue, node: string, split?: string): void {
  if (model.task !== data.task)
    throw new UserError(`${node}: the model does ${model.task} but the dataset is for ${data.task}`);
  const diff = preparationDiff(model, data);
  const shapeDiffers = !model.rawInputs && model.featureShape.join('x') !== data.featureShape.join('x');
  if (diff.length && !(shapeDiffers && !diff.some((d) => d.includes('columns differ')))) {
    throw new UserError(
      `${node}: the ${split ? `"${split}" split of the ` : ''}dataset was prepared differently from the model's training data: ${diff.join('; ')}. ` +
        'Prepare it in the training branch (e.g. give prep.split your test file on its test input) so that every step fitted on the training rows applies to it',
    );
  }
  if (shapeDiffers) {
    throw new UserError(
      `${node}: the model takes features [${model.featureShape.join(', ')}] but the dataset has [${data.featureShape.join(', ')}]; feed it the dataset it was trained on`,
    );
  }
}
