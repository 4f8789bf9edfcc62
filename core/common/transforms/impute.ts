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

function present(v: ColumnValues): (number | string)[] {
  const out: (number | string)[] = [];
  if (v.kind === 'slots') return out;
  for (const x of v.values) if (x !== null && x === x) out.push(x);
  return out;
}

function mostFrequent(values: readonly (number | string)[]): number | string {
  const counts = new Map<number | string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | string = values[0];
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) [best, bestCount] = [v, c];
  return best;
}

function statistic(train: ColumnValues, p: ImputeFit, column: string): number | string {
  const numeric = train.kind === 'number';
  if (p.strategy === 'constant') {
    if (!numeric) return p.fillValue;
    const x = Number(p.fillValue);
    if (p.fillValue.trim() === '' || !Number.isFinite(x))
      throw new DataError(`prep.impute: fillValue '${p.fillValue}' is not a number, but column '${column}' is numeric`);
    return x;
  }
  const values = present(train);
  if (values.length === 0) throw new DataError(`prep.impute: column '${column}' has no values in the training split`);
  if (p.strategy === 'most_frequent') return mostFrequent(values);
  if (!numeric)
    throw new DataError(
      `prep.impute: strategy ${p.strategy} needs a numeric column; '${column}' holds categories (use most_frequent or constant)`,
    );
  const nums = Float64Array.from(values as number[]).sort();
  if (p.strategy === 'mean') {
    let s = 0;
    for (const x of nums) s += x;
    return s / nums.length;
  }
  const mid = nums.length >> 1;
  return nums.length % 2 ? nums[mid] : (nums[mid - 1] + nums[mid]) / 2;
}

export const impute = defineTransform<Impute, ImputeFit>({
  kind: 'impute',
  fit: (column, train, p) => ({ kind: 'impute', column, strategy: p.strategy, value: statistic(train, p, column) }),
  apply(t, v) {
    if (v.kind === 'slots') throw new DataError(`prep.impute: column '${t.column}' is already encoded`);
    if (v.kind === 'category') {
      const fill = String(t.value);
      return { kind: 'category', values: v.values.map((x) => x ?? fill) };
    }
    if (typeof t.value !== 'number')
      throw new DataError(`prep.impute: column '${t.column}' is numeric but its fill value is '${t.value}'`);
    const out = Float64Array.from(v.values);
    for (let i = 0; i < out.length; i++) if (out[i] !== out[i]) out[i] = t.value;
    return { kind: 'number', values: out };
  },
  emit(t, b, x) {
    if (x.kind === 'slots') throw new DataError(`prep.impute: column '${t.column}' is already encoded`);
    if (x.kind === 'number') {
      const missing = b.opNoGrad('IsNaN', [x.t], x.t.shape, {}, 'bool');
      return { kind: 'number', t: b.op('Where', [missing, b.constF(Number(t.value)), x.t], x.t.shape, {}, 'float64') };
    }
    const code = b.opIn('ai.onnx.ml', 'LabelEncoder', [x.t], x.t.shape, 'int64', {
      keys_strings: { strings: [''] },
      values_int64s: { ints: [1] },
      default_int64: { i: 0 },
    });
    const missing = b.opNoGrad('Cast', [code], x.t.shape, { to: { i: 9 } }, 'bool');
    const fill = b.initializer('fill', [], [String(t.value)], 'string');
    return { kind: 'category', t: b.op('Where', [missing, fill, x.t], x.t.shape, {}, 'string') };
  },
  check: () => ({ missing: true }),
});
