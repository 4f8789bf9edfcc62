import type { GraphBuilder, T } from '../model/graph/GraphBuilder';
import { DataError } from '../nodes/prep/DataError';

/**
 * One column's values between fitted transforms, `n` rows: numbers (NaN = missing), categories
 * (null = missing), encoded slots (row-major `n × width`, the column's final features), or the
 * same slots stored sparse (CSR: row i's non-zeros are `values[k]` at slot `indices[k]` for `k` in
 * `indptr[i] .. indptr[i + 1]`).
 */
export type ColumnValues =
  | { kind: 'number'; values: Float64Array }
  | { kind: 'category'; values: readonly (string | null)[] }
  | { kind: 'slots'; width: number; values: Float64Array }
  | { kind: 'sparse'; width: number; indptr: Int32Array; indices: Int32Array; values: Float64Array };

/**
 * The same column inside an ONNX graph: float64 `[batch, 1]` (NaN = missing), string `[batch, 1]`
 * (`""` = missing), or float64 `[batch, width]` slots.
 */
export type ColumnTensor =
  { kind: 'number'; t: T } | { kind: 'category'; t: T } | { kind: 'slots'; width: number; t: T };

/** What the synthetic rows that check an export must cover for a transform's column. */
export interface CheckHint {
  /** Draw present numbers uniformly from this range. */
  range?: readonly [number, number];
  /** Draw values from these categories (plus unseen ones for category columns). */
  categories?: readonly string[];
  /** Leave some values missing. */
  missing?: boolean;
}

/**
 * A fitted transform kind: one column's step from raw values to model features, fitted on the
 * training split only. `apply` (the app) and `emit` (the exported ONNX graph) must agree to float64
 * rounding; each kind's test checks that with onnxruntime.
 */
export interface TransformModule<F extends { kind: string; column: string }, P> {
  readonly kind: F['kind'];
  /** Fits on the training values of `column` after its earlier transforms. */
  fit(column: string, train: ColumnValues, params: P): F;
  /** Applies to all rows of the column; throws a DataError naming the column and row on bad values. */
  apply(t: F, v: ColumnValues): ColumnValues;
  /**
   * Set for an elementwise number → number step (impute of a numeric column, scaling): the same
   * arithmetic as `apply`, written into `out` (which may be `x` itself), so a chain of such steps
   * runs over one buffer without allocating.
   */
  applyNumbers?(t: F, x: Float64Array, out: Float64Array): void;
  /**
   * Set with `applyNumbers`: the same step as one scalar operation, which the feature writer
   * (./writeSlots.ts) inlines into its loop; it must give bit-identical values.
   */
  scalar?(t: F): ScalarStep;
  /**
   * The step on a category column as a lookup, which the feature writer (./writeCodes.ts) runs
   * inline: it must give the same features as `apply`.
   */
  category?(t: F): CategoryStep;
  /** Set for a step fitted from the moments of its training values alone (scalers): `fit` from precomputed moments. */
  fitMoments?(column: string, m: Moments): F;
  /** Emits the same step through the GraphBuilder (a float64 builder). */
  emit(t: F, b: GraphBuilder, x: ColumnTensor): ColumnTensor;
  /** What export verification rows must exercise. */
  check(t: F): CheckHint;
  /** Suffixes of the feature slots it creates (`color=red` has suffix `red`), for kinds that expand a column. */
  slots?(t: F): readonly string[];
  /**
   * Set for a step onnxruntime cannot run inside a graph (BPE or Unicode word tokenizing): the
   * exported model takes this step's output, `width` int64 columns, as an input of its own, and
   * `card` (JSON in metadata_props) says how to compute it. It must be its column's first step.
   */
  external?(t: F): { width: number; card: Record<string, unknown> };
  /**
   * Whether `emit` can express this fitted step; when false (e.g. a custom TF-IDF token pattern) the export
   * takes the assembled feature tensor instead of raw columns. Absent = always.
   */
  inGraph?(t: F): boolean;
}

/**
 * An elementwise numeric step as scalar arithmetic: `fill` replaces a missing value (NaN),
 * `affine` maps `v` to `(v − sub) / div` (NaN stays NaN), `zero` maps a present value to 0.
 */
export type ScalarStep = { op: 'fill'; value: number } | { op: 'affine'; sub: number; div: number } | { op: 'zero' };

/**
 * A step on category values as a lookup: `fill` replaces a missing value, `onehot` sets the slot of
 * the value's index in `categories` (none when missing or unseen; `error` refuses unseen values),
 * `ordinal` gives that index (`unknown` when missing or unseen).
 */
export type CategoryStep =
  | { op: 'fill'; value: string }
  | { op: 'onehot'; categories: readonly string[]; error: boolean }
  | { op: 'ordinal'; categories: readonly string[]; unknown: number };

/** Identity helper that fixes a module's fitted and params types. */
export function defineTransform<F extends { kind: string; column: string }, P>(
  m: TransformModule<F, P>,
): TransformModule<F, P> {
  return m;
}

/** The `n` rows of a column as categories: numbers spelled as `String(v)`, NaN as missing. */
export function asCategories(v: ColumnValues, kind: string, column: string): readonly (string | null)[] {
  if (v.kind === 'category') return v.values;
  if (v.kind === 'slots' || v.kind === 'sparse') throw new DataError(`${kind}: column '${column}' is already encoded`);
  const out: (string | null)[] = new Array(v.values.length);
  for (let i = 0; i < v.values.length; i++) {
    const x = v.values[i];
    out[i] = x === x ? String(x) : null;
  }
  return out;
}

/** The column's numbers, or a DataError saying it holds categories or encoded slots. */
export function asNumbers(v: ColumnValues, kind: string, column: string): Float64Array {
  if (v.kind === 'number') return v.values;
  throw new DataError(
    v.kind === 'category'
      ? `${kind}: column '${column}' holds categories, not numbers`
      : `${kind}: column '${column}' is already encoded (one-hot); it has no single number to scale`,
  );
}

/** The column tensor as float64 numbers `[batch, 1]`, or an Error for the emitters' callers. */
export function numberTensor(x: ColumnTensor, kind: string, column: string): T {
  if (x.kind !== 'number') throw new DataError(`${kind}: column '${column}' is not numeric in the export graph`);
  return x.t;
}

/** Count, mean, population std, min and max of a column's present values (zeros when there are none). */
export interface Moments {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Mean, population std, min and max of the present (non-NaN) values; zeros when there are none. */
export function moments(v: ArrayLike<number>): Moments {
  let n = 0;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    n++;
    s += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = n ? s / n : 0;
  let ss = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === x) ss += (x - mean) * (x - mean);
  }
  return { mean, std: n ? Math.sqrt(ss / n) : 0, min: n ? min : 0, max: n ? max : 0, n };
}
