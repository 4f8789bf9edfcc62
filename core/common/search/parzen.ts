/**
 * Parzen estimators of TPE (Bergstra et al. 2011, as Optuna builds them): a mixture of truncated
 * normals, one per observation plus a wide prior, for a numeric dimension; smoothed counts for a
 * categorical one.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7). */
function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

const normalCdf = (z: number): number => 0.5 * (1 + erf(z / Math.SQRT2));

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function logSumExp(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** A mixture of normals truncated to `[lo, hi]`. */
export interface NumericParzen {
  mus: number[];
  sigmas: number[];
  weights: number[];
  lo: number;
  hi: number;
}

/**
 * The estimator over observations `xs` (internal coordinates) in `[lo, hi]`: a prior component at the
 * middle with the range as its width, and each observation with the larger gap to its sorted
 * neighbours as its width, clipped to `[range / min(100, 1 + n), range]`; equal weights.
 */
export function numericParzen(xs: readonly number[], lo: number, hi: number): NumericParzen {
  const range = hi - lo || 1;
  const prior = (lo + hi) / 2;
  const mus = [...xs, prior].sort((a, b) => a - b);
  const n = mus.length;
  const minSigma = range / Math.min(100, 1 + n);
  const sigmas = mus.map((m, i) => {
    if (n === 1) return range;
    const left = i > 0 ? m - mus[i - 1] : mus[1] - m;
    const right = i < n - 1 ? mus[i + 1] - m : m - mus[n - 2];
    return Math.min(range, Math.max(minSigma, left, right));
  });
  const priorAt = mus.indexOf(prior);
  sigmas[priorAt] = range;
  return { mus, sigmas, weights: mus.map(() => 1 / n), lo, hi };
}

/** One draw from the mixture, inside `[lo, hi]`. */
export function sampleNumeric(p: NumericParzen, random: () => number): number {
  let r = random();
  let k = 0;
  while (k < p.weights.length - 1 && r >= p.weights[k]) {
    r -= p.weights[k];
    k++;
  }
  const mu = p.mus[k];
  const sigma = p.sigmas[k];
  for (let attempt = 0; attempt < 64; attempt++) {
    const x = mu + sigma * gaussian(random);
    if (x >= p.lo && x <= p.hi) return x;
  }
  return Math.min(p.hi, Math.max(p.lo, mu));
}

/** The mixture's log density at `x`. */
export function logDensityNumeric(p: NumericParzen, x: number): number {
  const terms = p.mus.map((mu, i) => {
    const sigma = p.sigmas[i];
    const mass = normalCdf((p.hi - mu) / sigma) - normalCdf((p.lo - mu) / sigma);
    const z = (x - mu) / sigma;
    return Math.log(p.weights[i]) - 0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - Math.log(Math.max(mass, 1e-300));
  });
  return logSumExp(terms);
}

/** Category probabilities: each observation counts 1, and a prior of total weight 1 spreads over all `k` categories. */
export function categoricalParzen(indices: readonly number[], k: number): number[] {
  const counts = new Array<number>(k).fill(1 / k);
  for (const i of indices) counts[i] = counts[i] + 1;
  const total = indices.length + 1;
  return counts.map((c) => c / total);
}

/** A category drawn from probabilities `p`. */
export function sampleCategorical(p: readonly number[], random: () => number): number {
  let r = random();
  for (let i = 0; i < p.length; i++) {
    r -= p[i];
    if (r < 0) return i;
  }
  return p.length - 1;
}
