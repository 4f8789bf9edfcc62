import * as ort from 'onnxruntime-node';
import type { DatasetSplit } from '../../common';
import { throwIfAborted, UserError } from '../executors/Executor';
import { batchReader } from '../data/splitRows';
import { rawColumnsRange } from '../../common/splitRaw';
import type { ExportLayout } from '../export/preprocessGraph';
import { feedsFor } from '../export/runExported';
import { formatShape, metadataJson, type OnnxModelInfo, type TensorInfo } from './inspect';

export interface RunOnSplitOptions {
  /** The output to collect; its rows are returned. */
  output: string;
  featureShape: number[];
  batchSize: number;
  /** Names the node in errors. */
  where: string;
  signal?: AbortSignal;
  progress?: (fraction: number, message?: string) => void;
}

export interface SplitOutput {
  values: Float32Array;
  width: number;
  /** How the rows were fed: `features` (the dataset's x) or `raw columns`. */
  fed: string;
}

/** The Weft export layout stored in metadata_props `weft.io`, when the model is a Weft export. */
export function exportLayout(info: OnnxModelInfo): ExportLayout | undefined {
  return metadataJson<ExportLayout>(info, 'weft.io');
}

/** The one float input a features-in model takes, or undefined when it takes something else. */
export function featureInput(info: OnnxModelInfo): TensorInfo | undefined {
  const floats = info.inputs.filter((i) => i.dtype === 'float32' || i.dtype === 'float64');
  return info.inputs.length === 1 && floats.length === 1 ? floats[0] : undefined;
}

function featureFeed(input: TensorInfo, x: Float32Array, rows: number, featureShape: number[]): ort.Tensor {
  const dims = [rows, ...featureShape];
  return input.dtype === 'float64'
    ? new ort.Tensor('float64', Float64Array.from(x), dims)
    : new ort.Tensor('float32', x, dims);
}

function checkFeatureShape(input: TensorInfo, featureShape: number[], where: string): void {
  const modelDims = (input.shape ?? []).slice(1);
  const fits =
    modelDims.length === featureShape.length &&
    modelDims.every((d, i) => typeof d !== 'number' || d === featureShape[i]);
  if (!fits) {
    throw new UserError(
      `${where}: the model's input ${input.name} is ${formatShape(input.shape)} but the dataset's rows are [${featureShape.join(', ')}]; ` +
        'connect a dataset with the features the model was trained on',
    );
  }
}

/**
 * Runs a session over one dataset split in batches and returns the rows of one output. A Weft
 * export with raw inputs gets the split's raw columns; any other model gets the feature tensor
 * on its single float input.
 */
export async function runOnSplit(
  session: ort.InferenceSession,
  info: OnnxModelInfo,
  split: DatasetSplit,
  opts: RunOnSplitOptions,
): Promise<SplitOutput> {
  const layout = exportLayout(info);
  const rawFed = layout?.inputs.some((i) => i.dtype !== 'float32') ?? false;
  const input = featureInput(info);
  if (rawFed && !split.raw)
    throw new UserError(
      `${opts.where}: this Weft export takes raw columns, but the dataset split has none; connect the prep.split output`,
    );
  if (!rawFed) {
    if (!input) {
      throw new UserError(
        `${opts.where}: the model takes ${info.inputs.map((i) => `${i.name} ${i.dtype} ${formatShape(i.shape)}`).join(', ')}; ` +
          'only models with one float input (or Weft exports) can run on a dataset',
      );
    }
    checkFeatureShape(input, opts.featureShape, opts.where);
  }
  const fixedBatch = !rawFed && typeof input?.shape?.[0] === 'number' ? input.shape[0] : undefined;
  const batch = fixedBatch ?? opts.batchSize;
  if (fixedBatch !== undefined && split.n % fixedBatch !== 0) {
    throw new UserError(
      `${opts.where}: the model takes batches of exactly ${fixedBatch} rows and the split has ${split.n}; re-export it with a dynamic batch dimension`,
    );
  }
  let values: Float32Array | undefined;
  let width = 0;
  const read = batchReader(split, batch);
  for (let start = 0; start < split.n; start += batch) {
    if (opts.signal) throwIfAborted(opts.signal);
    const end = Math.min(split.n, start + batch);
    const x = await read(start, end - start, opts.signal);
    const feeds =
      rawFed && layout && split.raw
        ? feedsFor(layout, { n: end - start, x, raw: rawColumnsRange(split, start, end)!, source: 'dataset' })
        : { [input!.name]: featureFeed(input!, x, end - start, opts.featureShape) };
    const result = await session.run(feeds, [opts.output]);
    const out = result[opts.output];
    if (!out) throw new UserError(`${opts.where}: the model returned no output ${opts.output}`);
    const data = out.data;
    if (!(data instanceof Float32Array || data instanceof Float64Array))
      throw new UserError(`${opts.where}: output ${opts.output} is ${out.type}, not a float tensor`);
    width = data.length / (end - start);
    values ??= new Float32Array(split.n * width);
    values.set(data, start * width);
    out.dispose();
    opts.progress?.(end / split.n, `${end}/${split.n} rows`);
  }
  return { values: values ?? new Float32Array(0), width, fed: rawFed ? 'raw columns' : 'features' };
}

/** Whether every row is a probability distribution (non-negative, summing to 1). */
export function rowsAreProbabilities(values: Float32Array, width: number): boolean {
  for (let i = 0; i < values.length; i += width) {
    let sum = 0;
    for (let c = 0; c < width; c++) {
      const v = values[i + c];
      if (!(v >= 0)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

/** Row-wise softmax, in place. */
export function softmaxRows(values: Float32Array, width: number): Float32Array {
  for (let i = 0; i < values.length; i += width) {
    let max = -Infinity;
    for (let c = 0; c < width; c++) max = Math.max(max, values[i + c]);
    let sum = 0;
    for (let c = 0; c < width; c++) sum += values[i + c] = Math.exp(values[i + c] - max);
    for (let c = 0; c < width; c++) values[i + c] /= sum;
  }
  return values;
}
