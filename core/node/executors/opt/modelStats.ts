import * as ort from 'onnxruntime-node';
import type { DatasetSplit, TrainedModelValue } from '../../../common';
import type { ResolvedModel } from '../../../common/model';
import { readRows } from '../../data/splitRows';
import { runTrainedModel } from '../../inference/runModel';
import { medianRunMs } from '../../onnx/latency';

/** Size and speed of one model, as the compression nodes and the compress bench report them. */
export interface ModelStats {
  /** Trainable parameters of the architecture. */
  parameters: number;
  /** Parameters that are not zero. */
  nonzero: number;
  /** ONNX file size in bytes. */
  bytes: number;
  /** Median onnxruntime run time of one row (CPU, one thread, graph optimizations on), in ms. */
  batch1Ms: number;
}

/** Median ms of one batch-1 run of `onnx` on `row` over `runs` runs, after a warm-up. */
function batch1Latency(
  onnx: Uint8Array,
  inputName: string,
  featureShape: readonly number[],
  row: Float32Array,
  runs = 200,
): Promise<number> {
  return medianRunMs(onnx, { [inputName]: new ort.Tensor('float32', row, [1, ...featureShape]) }, 20, runs);
}

/** Parameters, non-zero parameters, file size and batch-1 latency of a Weft neural model on `row`. */
export async function modelStats(model: TrainedModelValue, row: Float32Array): Promise<ModelStats> {
  const spec = model.spec as ResolvedModel;
  let parameters = 0;
  let nonzero = 0;
  for (const p of spec.params) {
    const w = model.weights[p.name];
    parameters += w.length;
    for (let i = 0; i < w.length; i++) if (w[i] !== 0) nonzero++;
  }
  return {
    parameters,
    nonzero,
    bytes: model.onnx.byteLength,
    batch1Ms: await batch1Latency(model.onnx, model.inputName, model.featureShape, row),
  };
}

/** Share of `split`'s rows whose arg-max class is the label. */
export async function accuracyOn(model: TrainedModelValue, split: DatasetSplit, signal?: AbortSignal): Promise<number> {
  const out = await runTrainedModel(model, split, split.n, { ...(signal ? { signal } : {}) });
  let right = 0;
  for (let i = 0; i < split.n; i++) {
    const row = out.values.subarray(i * out.width, (i + 1) * out.width);
    let arg = 0;
    for (let k = 1; k < out.width; k++) if (row[k] > row[arg]) arg = k;
    if (arg === split.y[i]) right++;
  }
  return right / Math.max(split.n, 1);
}

/** The first row of a split (for latency), or zeros when there is none. */
export async function firstRow(
  split: DatasetSplit | undefined,
  featureShape: readonly number[],
): Promise<Float32Array> {
  const size = featureShape.reduce((a, b) => a * b, 1);
  if (!split || split.n === 0) return new Float32Array(size);
  return Float32Array.from(await readRows(split, 0, 1));
}
