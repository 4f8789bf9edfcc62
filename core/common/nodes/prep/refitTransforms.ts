import type { FittedTransform, TableColumn } from '../../values';
import { tokenize } from '../../transforms/tokenize';
import { DataError } from './DataError';
import { tfidf } from '../../transforms/tfidf';
import { applyChain, columnValues } from '../../transforms/features';
import { moments, type Moments } from '../../transforms/TransformModule';

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && v !== v);
}

function imputeValue(t: Extract<FittedTransform, { kind: 'impute' }>, col: TableColumn, n: number): number | string {
  if (t.strategy === 'constant') return t.value;
  const present: (number | string)[] = [];
  for (let i = 0; i < n; i++) {
    const v = col.values[i];
    if (!isMissing(v)) present.push(v as number | string);
  }
  if (present.length === 0) {
    if (t.strategy === 'mean' && !Array.isArray(col.values)) return 0;
    throw new DataError(`column '${t.column}' has no values in these training rows to impute from`);
  }
  if (t.strategy === 'most_frequent') {
    const counts = new Map<number | string, number>();
    for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
    let best: number | string = present[0];
    let bestCount = 0;
    for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) [best, bestCount] = [v, c];
    return best;
  }
  const nums = (present as number[]).slice().sort((a, b) => a - b);
  if (t.strategy === 'mean') return nums.reduce((a, b) => a + b, 0) / nums.length;
  const mid = nums.length >> 1;
  return nums.length % 2 ? nums[mid] : (nums[mid - 1] + nums[mid]) / 2;
}

function categoriesOf(col: TableColumn, n: number, imputed: number | string | undefined): string[] {
  const cats = new Set<string>();
  for (let i = 0; i < n; i++) {
    const v = col.values[i];
    const c = isMissing(v) ? imputed : v;
    if (c !== undefined && c !== null) cats.add(String(c));
  }
  return [...cats].sort();
}

/**
 * Mean, population std, min and max of a numeric column's first `n` values, missing values
 * replaced by `fill` (the column's imputer) or skipped when it has none.
 */
function numericMoments(col: TableColumn, n: number, fill: number | undefined, column: string): Moments {
  if (Array.isArray(col.values)) throw new DataError(`column '${column}' holds categories; it cannot be scaled`);
  const v = col.values.subarray(0, n);
  if (fill === undefined) return moments(v);
  const filled = new Float64Array(n);
  for (let i = 0; i < n; i++) filled[i] = v[i] === v[i] ? v[i] : fill;
  return moments(filled);
}

/**
 * Fits the same steps again on other training rows (`raw`, `n` rows): each transform keeps its
 * kind, column and options (strategy, unknown policy) and gets the statistics of these rows,
 * computed on the column's values after the steps before it, as the prep nodes fit them.
 * Cross-validation calls it per fold so that no held-out row shapes a fitted step.
 */
export function refitTransforms(
  transforms: readonly FittedTransform[],
  raw: readonly TableColumn[],
  n: number,
): FittedTransform[] {
  const out: FittedTransform[] = [];
  for (const t of transforms) {
    const col = raw.find((c) => c.name === t.column);
    if (!col) throw new DataError(`the fitted step ${t.kind} on '${t.column}' has no raw column to be fitted again on`);
    const imputed = out.find((u) => u.kind === 'impute' && u.column === t.column);
    const fill = imputed?.kind === 'impute' ? imputed.value : undefined;
    switch (t.kind) {
      case 'impute':
        out.push({ ...t, value: imputeValue(t, col, n) });
        break;
      case 'onehot':
      case 'ordinal':
        out.push({ ...t, categories: categoriesOf(col, n, fill) });
        break;
      case 'tfidf':
        out.push(
          tfidf.fit(
            t.column,
            applyChain(
              columnValues(col, n),
              out.filter((u) => u.column === t.column),
            ),
            t,
          ),
        );
        break;
      case 'standardize':
      case 'minmax': {
        const m = numericMoments(col, n, typeof fill === 'number' ? fill : undefined, t.column);
        out.push(t.kind === 'standardize' ? { ...t, mean: m.mean, std: m.std } : { ...t, min: m.min, max: m.max });
        break;
      }
      case 'tokenize':
        out.push(tokenize.fit(t.column, columnValues(col, n), t));
        break;
    }
  }
  return out;
}
