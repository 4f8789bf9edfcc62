import { DataError } from '../nodes/prep/DataError';
import { defineTransform, type ColumnValues } from './TransformModule';

/** Missing values (NaN, null) replaced by a statistic of the training split (scikit-learn SimpleImputer). */
export interface Impute {
  kind: 'impute';
  column: string;
  strategy: 'mean' | 'median' | 'most_frequent' | 'constant';
  value: number | string;
}

export interface ImputeFit {
  strategy: Impute['strategy'];
  /** The constant strategy's value, a number for numeric columns. */
  fillValue: string;
}

/** The present (non-NaN) numbers, in row order. */
function presentNumbers(v: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) out[k++] = v[i];
  return out;
}

/**
 * The k-th smallest value (0-based), in O(n) on average (Hoare's quickselect); reorders `a` so
 * that `a[0..k)` ≤ `a[k]` ≤ `a[k+1..]`.
 */
function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

function mostFrequent<V extends number | string>(values: ArrayLike<V>): V {
  const counts = new Map<V, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
  let best = values[0];
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) [best, bestCount] = [v, c];
  return best;
}

function statistic(train: ColumnValues, p: ImputeFit, column: string): number | string {
  if (train.kind === 'slots' || train.kind === 'sparse')
    throw new DataError(`prep.impute: column '${column}' is already encoded`);
  const numeric = train.kind === 'number';
  if (p.strategy === 'constant') {
    if (!numeric) return p.fillValue;
    const x = Number(p.fillValue);
    if (p.fillValue.trim() === '' || !Number.isFinite(x))
      throw new DataError(`prep.impute: fillValue '${p.fillValue}' is not a number, but column '${column}' is numeric`);
    return x;
  }
  if (numeric && p.strategy === 'mean') {
    const v = train.values;
    let s = 0;
    let n = 0;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== x) continue;
      s += x;
      n++;
    }
    if (n === 0) throw new DataError(`prep.impute: column '${column}' has no values in the training split`);
    return s / n;
  }
  const values = numeric ? presentNumbers(train.values) : train.values.filter((v): v is string => v !== null);
  if (values.length === 0) throw new DataError(`prep.impute: column '${column}' has no values in the training split`);
  if (p.strategy === 'most_frequent') return mostFrequent<number | string>(values);
  if (!(values instanceof Float64Array))
    throw new DataError(
      `prep.impute: strategy ${p.strategy} needs a numeric column; '${column}' holds categories (use most_frequent or constant)`,
    );
  const mid = values.length >> 1;
  const upper = selectKth(values, mid);
  if (values.length % 2) return upper;
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if (values[i] > lower) lower = values[i];
  return (lower + upper) / 2;
}

function numericFill(t: Impute): number {
  if (typeof t.value !== 'number')
    throw new DataError(`prep.impute: column '${t.column}' is numeric but its fill value is '${t.value}'`);
  return t.value;
}

function imputeInto(t: Impute, x: Float64Array, out: Float64Array): void {
  const fill = numericFill(t);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    out[i] = xi !== xi ? fill : xi;
  }
}

export const impute = defineTransform<Impute, ImputeFit>({
  kind: 'impute',
  fit: (column, train, p) => ({ kind: 'impute', column, strategy: p.strategy, value: statistic(train, p, column) }),
  apply(t, v) {
    if (v.kind === 'slots' || v.kind === 'sparse')
      throw new DataError(`prep.impute: column '${t.column}' is already encoded`);
    if (v.kind === 'category') {
      const fill = String(t.value);
      return { kind: 'category', values: v.values.map((x) => x ?? fill) };
    }
    const out = new Float64Array(v.values.length);
    imputeInto(t, v.values, out);
    return { kind: 'number', values: out };
  },
  applyNumbers: imputeInto,
  scalar: (t) => ({ op: 'fill', value: numericFill(t) }),
  category: (t) => ({ op: 'fill', value: String(t.value) }),
  emit(t, b, x) {
    if (x.kind === 'slots') throw new DataError(`prep.impute: column '${t.column}' is already encoded`);
    if (x.kind === 'number') {
      const missing = b.opNoGrad('IsNaN', [x.t], x.t.shape, {}, 'bool');
      return { kind: 'number', t: b.op('Where', [missing, b.constF(Number(t.value)), x.t], x.t.shape, {}, 'float64') };
    }
    const code = b.mlOp(
      'LabelEncoder',
      [x.t],
      [x.t.shape],
      {
        keys_strings: { strings: [''] },
        values_int64s: { ints: [1] },
        default_int64: { i: 0 },
      },
      ['int64'],
    )[0];
    const missing = b.opNoGrad('Cast', [code], x.t.shape, { to: { i: 9 } }, 'bool');
    const fill = b.initializer('fill', [], [String(t.value)], 'string');
    return { kind: 'category', t: b.op('Where', [missing, fill, x.t], x.t.shape, {}, 'string') };
  },
  check: () => ({ missing: true }),
});
