import * as ort from 'onnxruntime-node';
import type { DatasetSplit } from '../../common';
import { buildInferenceGraph, type LossKind, type ResolvedModel } from '../../common/model';
import { readRows } from '../data/splitRows';
import { openSession, type ProviderName } from '../onnx/session';

/** Loss and accuracy of a split from model outputs, computed as the training graph's loss would. */
export function splitMetrics(
  out: Float32Array,
  width: number,
  split: DatasetSplit,
  task: 'classification' | 'regression',
  loss: LossKind,
  labelSmoothing = 0,
): { loss: number; accuracy?: number } {
  const n = split.n;
  const y = split.y;
  if (task === 'regression') {
    let s = 0;
    for (let i = 0; i < n * width; i++) {
      const d = out[i] - y[i];
      const a = Math.abs(d);
      s += loss === 'mae' ? a : loss === 'huber' ? (a < 1 ? 0.5 * d * d : a - 0.5) : d * d;
    }
    return { loss: s / (n * width) };
  }
  let s = 0;
  let right = 0;
  const eps = labelSmoothing;
  const log = (p: number): number => Math.log(Math.max(p, 1e-12));
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * width, (i + 1) * width);
    const label = y[i];
    let arg = 0;
    for (let k = 1; k < width; k++) if (row[k] > row[arg]) arg = k;
    if (arg === label) right++;
    if (loss === 'binary_cross_entropy' && width > 2) {
      let l = 0;
      for (let k = 0; k < width; k++) {
        const t = (k === label ? 1 : 0) * (1 - eps) + eps / 2;
        l -= t * log(row[k]) + (1 - t) * log(1 - row[k]);
      }
      s += l / width;
    } else if (eps) {
      for (let k = 0; k < width; k++) s -= ((k === label ? 1 - eps : 0) + eps / width) * log(row[k]);
    } else {
      s -= log(row[label]);
    }
  }
  return { loss: s / n, accuracy: right / n };
}

/**
 * An autoencoder's reconstruction loss of one batch, summed over rows: each row's element losses
 * between output `out` and input `x` summed over its values, as the training graph's loss with
 * the input as target (binary cross-entropy on the output probabilities clamped to [1e-7, 1 − 1e-7]).
 */
export function reconstructionSum(out: Float32Array, x: Float32Array, loss: LossKind): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) {
    const p = out[i];
    const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
    const t = x[i];
    const d = p - t;
    const a = Math.abs(d);
    s +=
      loss === 'binary_cross_entropy'
        ? -(t * Math.log(q) + (1 - t) * Math.log(1 - q))
        : loss === 'mae'
          ? a
          : loss === 'huber'
            ? a < 1
              ? 0.5 * d * d
              : a - 0.5
            : d * d;
  }
  return s;
}

/**
 * Evaluates the current weights on the validation split at the end of an epoch: an inference
 * graph with the weights baked in (the fast constant-weight paths), run in large batches.
 */
export class Validator {
  private readonly batch = 2048;
  constructor(
    private readonly model: ResolvedModel,
    private readonly task: 'classification' | 'regression',
    private readonly loss: LossKind,
    private readonly split: DatasetSplit,
    private readonly provider: ProviderName,
    private readonly threads: number,
    private readonly labelSmoothing = 0,
    private readonly target: 'labels' | 'input' = 'labels',
  ) {}

  /** Model outputs for the whole split. */
  async predict(
    params: Float32Array,
    buffers: Float32Array,
    eachBatch?: (x: Float32Array, out: Float32Array) => void,
  ): Promise<{ values: Float32Array; width: number }> {
    const onnx = buildInferenceGraph(this.model, params, { task: this.task, loss: this.loss, buffers });
    const { session } = await openSession(onnx, {
      provider: this.provider,
      threads: this.threads,
      graphOptimizationLevel: 'all',
    });
    try {
      const { n } = this.split;
      let values: Float32Array | undefined;
      let width = 0;
      for (let start = 0; start < n; start += this.batch) {
        const rows = Math.min(this.batch, n - start);
        const x = await readRows(this.split, start, rows);
        const feed = new ort.Tensor('float32', x, [rows, ...this.model.inputShape]);
        const out = (await session.run({ input: feed })).output;
        const data = out.data as Float32Array;
        eachBatch?.(x, data);
        width = data.length / rows;
        values ??= new Float32Array(n * width);
        values.set(data, start * width);
      }
      return { values: values ?? new Float32Array(0), width };
    } finally {
      await session.release();
    }
  }

  async evaluate(params: Float32Array, buffers: Float32Array): Promise<Record<string, number>> {
    if (this.target === 'input') {
      let sum = 0;
      await this.predict(params, buffers, (x, out) => (sum += reconstructionSum(out, x, this.loss)));
      return { val_loss: sum / this.split.n };
    }
    const { values, width } = await this.predict(params, buffers);
    const m = splitMetrics(values, width, this.split, this.task, this.loss, this.labelSmoothing);
    return { val_loss: m.loss, ...(m.accuracy !== undefined ? { val_accuracy: m.accuracy } : {}) };
  }
}
