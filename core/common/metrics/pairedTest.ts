function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t statistic with `df` degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The outcome of comparing two learners' per-fold scores. */
export interface PairedTestResult {
  /** Mean of the per-fold differences a − b. */
  meanDifference: number;
  t: number;
  df: number;
  /** Two-sided p-value; 1 when every difference is zero, NaN with a single fold. */
  p: number;
}

/**
 * Nadeau and Bengio's corrected resampled t-test on paired per-fold scores `a` and `b` (same
 * folds, same order): t = mean(d) / sqrt((1/J + nTest/nTrain) · var(d)), var with J − 1 in the
 * denominator, J − 1 degrees of freedom. The nTest/nTrain term widens the plain paired t-test's
 * variance for the overlap between the folds' training rows; `nTest/nTrain = 0` gives the plain
 * paired t-test.
 */
export function correctedPairedTTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  testTrainRatio: number,
): PairedTestResult {
  const j = a.length;
  if (j !== b.length) throw new Error(`paired scores differ in length (${j} vs ${b.length})`);
  const d = Array.from({ length: j }, (_, i) => a[i] - b[i]);
  const mean = d.reduce((s, v) => s + v, 0) / Math.max(j, 1);
  if (j < 2) return { meanDifference: mean, t: NaN, df: 0, p: NaN };
  const variance = d.reduce((s, v) => s + (v - mean) * (v - mean), 0) / (j - 1);
  const df = j - 1;
  if (variance === 0) {
    return mean === 0
      ? { meanDifference: 0, t: 0, df, p: 1 }
      : { meanDifference: mean, t: Math.sign(mean) * Infinity, df, p: 0 };
  }
  const t = mean / Math.sqrt((1 / j + testTrainRatio) * variance);
  return { meanDifference: mean, t, df, p: studentTwoSidedP(t, df) };
}
