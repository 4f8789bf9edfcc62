/**
 * The training distribution of each numeric raw column in bins, stored in an export's model card
 * so a server can compute a population stability index (PSI) of live inputs against it.
 *
 * Bin edges are the training values' deciles (linear interpolation between order statistics, as
 * numpy's default `quantile`), with repeated edges dropped; a value `v` falls in the first bin `i`
 * with `v <= edges[i]`, or in the last bin. The expected fractions are counted on the training
 * values with the same rule, so ties are exact rather than assumed to be 10 % each.
 */
import type { RawFeature, TableColumn } from './values';

/** One numeric column's training distribution. */
export interface FeatureProfile {
  column: string;
  /** Non-missing training values. */
  n: number;
  /** Fraction of training rows that were missing (NaN). */
  missing: number;
  /** Increasing cut points; `edges.length + 1` bins. */
  edges: number[];
  /** Fraction of non-missing training values in each bin (sums to 1). */
  fractions: number[];
}

const QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Smallest fraction a bin is given in the PSI sum, so an empty bin counts as rare, not impossible. */
export const PSI_FLOOR = 1e-4;

/** The bin of `v` under `edges`. */
export function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The profile of one column's values (NaN = missing); undefined when no value is present. */
export function profileValues(column: string, values: ArrayLike<number>): FeatureProfile | undefined {
  const present = Float64Array.from(Array.prototype.filter.call(values, (v: number) => !Number.isNaN(v)) as number[]);
  if (present.length === 0) return undefined;
  present.sort();
  const edges: number[] = [];
  for (const q of QUANTILES) {
    const e = quantile(present, q);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  if (edges.length && edges[edges.length - 1] >= present[present.length - 1]) edges.pop();
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of present) counts[binOf(edges, v)]++;
  return {
    column,
    n: present.length,
    missing: (values.length - present.length) / values.length,
    edges,
    fractions: counts.map((c) => c / present.length),
  };
}

/** Profiles of the numeric raw feature columns among `raw` (a split's raw columns). */
export function profileColumns(raw: readonly TableColumn[], features: readonly RawFeature[]): FeatureProfile[] {
  const out: FeatureProfile[] = [];
  for (const f of features) {
    const col = raw.find((c) => c.name === f.name);
    if (!col || col.type !== 'number') continue;
    const p = profileValues(f.name, col.values);
    if (p) out.push(p);
  }
  return out;
}

/**
 * Population stability index of `counts` (live values per bin) against the expected fractions:
 * Σ (a − e)·ln(a / e) over bins, each fraction floored at {@link PSI_FLOOR}. Undefined without
 * live values. Common reading: < 0.1 stable, 0.1–0.25 a moderate shift, > 0.25 a large one.
 */
export function psi(expected: readonly number[], counts: readonly number[]): number | undefined {
  const total = counts.reduce((a, c) => a + c, 0);
  if (total === 0) return undefined;
  let s = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], PSI_FLOOR);
    const a = Math.max(counts[i] / total, PSI_FLOOR);
    s += (a - e) * Math.log(a / e);
  }
  return s;
}
