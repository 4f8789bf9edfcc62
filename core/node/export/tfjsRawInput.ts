/**
 * Lets the TF.js export take raw numeric measurements: when every raw feature is a number whose
 * fitted chain is an optional leading mean/median/constant imputation followed by affine steps
 * (standardize, min-max), the steps are folded into the first Dense layer
 * (feature_j = a_j·raw_j + c_j, so K' = diag(a)·K and b' = b + c·K). Imputation has no dense-layer
 * form: the caller fills missing values (preprocess.js does).
 */
import * as tf from '@tensorflow/tfjs';
import type { TableColumn, TrainedModelValue } from '../../common';
import { isCategorical, transformsFor } from '../../common/transforms/features';
import type { VerifyRows } from './verifyRows';

/** Per raw column: the affine map to its feature, and the raw-space fill for a missing value. */
export interface RawFold {
  columns: string[];
  scale: number[];
  shift: number[];
  /** The training statistic a missing value is replaced by, or undefined when the app has no fill (NaN flows through). */
  fills: (number | undefined)[];
}

/** The fold for `model`, or the reason the TF.js export must take the assembled feature vector. */
export function planRawFold(model: TrainedModelValue): { fold: RawFold } | { reason: string } {
  const raw = model.rawFeatures ?? [];
  if (!raw.length) return { reason: 'the model was not trained on table columns' };
  const fold: RawFold = { columns: [], scale: [], shift: [], fills: [] };
  for (const f of raw) {
    if (isCategorical(f)) return { reason: `column '${f.name}' holds categories, which a dense layer cannot encode` };
    let a = 1;
    let c = 0;
    let fill: number | undefined;
    for (const [i, t] of transformsFor(f.name, model.transforms).entries()) {
      if (t.kind === 'impute' && i === 0 && typeof t.value === 'number') fill = t.value;
      else if (t.kind === 'standardize') {
        const s = t.std > 0 ? t.std : 1;
        [a, c] = [a / s, (c - t.mean) / s];
      } else if (t.kind === 'minmax') {
        const r = t.max - t.min;
        [a, c] = r > 0 ? [a / r, (c - t.min) / r] : [0, 0];
      } else return { reason: `column '${f.name}' has a ${t.kind} step, which a dense layer cannot express` };
    }
    fold.columns.push(f.name);
    fold.scale.push(a);
    fold.shift.push(c);
    fold.fills.push(fill);
  }
  return { fold };
}

/** The first Dense layer's [kernel, bias] with the fold applied (float64 arithmetic, stored float32). */
export function foldDense(kernel: tf.Tensor, bias: tf.Tensor, fold: RawFold): [tf.Tensor, tf.Tensor] {
  const [k, m] = kernel.shape as [number, number];
  const w = kernel.dataSync();
  const b = bias.dataSync();
  const w2 = new Float32Array(k * m);
  const b2 = new Float64Array(b);
  for (let j = 0; j < k; j++)
    for (let o = 0; o < m; o++) {
      w2[j * m + o] = fold.scale[j] * w[j * m + o];
      b2[o] += fold.shift[j] * w[j * m + o];
    }
  return [tf.tensor(w2, [k, m]), tf.tensor(Float32Array.from(b2), [m])];
}

/** Raw numeric rows `n × columns` as the folded model takes them: missing values filled as the app fills them. */
export function rawModelInput(fold: RawFold, rows: VerifyRows): Float32Array {
  const byName = new Map<string, TableColumn>((rows.raw ?? []).map((c) => [c.name, c]));
  const k = fold.columns.length;
  const out = new Float32Array(rows.n * k);
  fold.columns.forEach((name, j) => {
    const col = byName.get(name);
    if (!col) throw new Error(`no raw column ${name} to feed the TF.js model`);
    for (let i = 0; i < rows.n; i++) {
      const v = Number(col.values[i] ?? NaN);
      out[i * k + j] = v === v ? v : (fold.fills[j] ?? NaN);
    }
  });
  return out;
}
