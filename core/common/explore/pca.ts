import { symmetricEigen, topEigen } from './symmetricEigen';

/** Past this many columns the top components come from subspace iteration instead of a full Jacobi. */
const FULL_EIGEN_MAX = 64;

/** A fitted principal component analysis, in scikit-learn's terms. */
export interface PcaResult {
  /** `components[k]` is the k-th principal axis (unit length), its largest-magnitude loading positive. */
  components: number[][];
  /** Variance along each axis (covariance eigenvalues, divided by n − 1). */
  explainedVariance: number[];
  /** Each axis's share of the total variance. */
  explainedVarianceRatio: number[];
  mean: number[];
  /** Per-column population standard deviations the data was divided by (`standardize`), else absent. */
  scale?: number[];
}

/**
 * Principal component analysis of `n` complete rows of `d` columns (row-major, no NaN): centre
 * (and with `standardize`, divide by the population std as StandardScaler does), eigenvectors of the
 * sample covariance, the top `components` kept. Equal to scikit-learn's `PCA` up to the sign of each
 * axis; here the sign is fixed so each axis's largest-magnitude loading is positive.
 */
export function fitPca(
  x: ArrayLike<number>,
  n: number,
  d: number,
  opts: { components?: number; standardize?: boolean } = {},
): PcaResult {
  const k = Math.min(opts.components ?? 2, d, n);
  if (n < 2 || d < 1 || k < 1) throw new Error(`PCA needs at least 2 rows and 1 column (got ${n} × ${d})`);
  const mean = new Array<number>(d).fill(0);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mean[c] += x[r * d + c];
  for (let c = 0; c < d; c++) mean[c] /= n;
  let scale: number[] | undefined;
  if (opts.standardize) {
    scale = new Array<number>(d).fill(0);
    for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) scale[c] += (x[r * d + c] - mean[c]) ** 2;
    scale = scale.map((s) => (s > 0 ? Math.sqrt(s / n) : 1));
  }
  const row = new Float64Array(d);
  const cov = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) row[c] = (x[r * d + c] - mean[c]) / (scale ? scale[c] : 1);
    for (let i = 0; i < d; i++) {
      const ri = row[i];
      if (ri === 0) continue;
      for (let j = i; j < d; j++) cov[i * d + j] += ri * row[j];
    }
  }
  let total = 0;
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      cov[i * d + j] /= n - 1;
      cov[j * d + i] = cov[i * d + j];
      if (i === j) total += cov[i * d + i];
    }
  const eig = d <= FULL_EIGEN_MAX ? symmetricEigen(cov, d) : topEigen(cov, d, k);
  const components = eig.vectors.slice(0, k).map(fixSign);
  const explainedVariance = eig.values.slice(0, k).map((v) => Math.max(v, 0));
  return {
    components,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => (total > 0 ? v / total : 0)),
    mean,
    ...(scale ? { scale } : {}),
  };
}

function fixSign(v: number[]): number[] {
  let at = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[at])) at = i;
  return v[at] < 0 ? v.map((x) => -x) : v;
}

/** Coordinates of one row (`d` values) on the fitted axes. */
export function projectRow(p: PcaResult, values: ArrayLike<number>): number[] {
  return p.components.map((axis) => {
    let s = 0;
    for (let c = 0; c < axis.length; c++) s += ((values[c] - p.mean[c]) / (p.scale ? p.scale[c] : 1)) * axis[c];
    return s;
  });
}
