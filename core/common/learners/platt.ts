/** A fitted Platt sigmoid: `P(positive | f) = 1 / (1 + exp(A f + B))`. */
export interface Sigmoid {
  A: number;
  B: number;
  iterations: number;
  converged: boolean;
}

function objective(dec: Float64Array, t: Float64Array, A: number, B: number): number {
  let f = 0;
  for (let i = 0; i < dec.length; i++) {
    const z = dec[i] * A + B;
    f += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
  }
  return f;
}

/**
 * Platt scaling as in libsvm's sigmoid_train (Lin, Lin and Weng 2007): Newton's method with a
 * backtracking line search on the log loss against the smoothed targets `(N₊ + 1) / (N₊ + 2)` and
 * `1 / (N₋ + 2)`.
 */
export function sigmoidTrain(dec: Float64Array, positive: Uint8Array): Sigmoid {
  let prior1 = 0;
  for (const v of positive) prior1 += v;
  const prior0 = dec.length - prior1;
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = Float64Array.from(positive, (v) => (v ? hi : lo));
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = objective(dec, t, A, B);
  let iter = 0;
  for (; iter < 100; iter++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < dec.length; i++) {
      const z = dec[i] * A + B;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const q = 1 - p;
      const d2 = p * q;
      h11 += dec[i] * dec[i] * d2;
      h22 += d2;
      h21 += dec[i] * d2;
      const d1 = t[i] - p;
      g1 += dec[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) return { A, B, iterations: iter, converged: true };
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const f = objective(dec, t, A + step * dA, B + step * dB);
      if (f < fval + 1e-4 * step * gd) {
        A += step * dA;
        B += step * dB;
        fval = f;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) return { A, B, iterations: iter, converged: false };
  }
  return { A, B, iterations: iter, converged: false };
}

/** `1 / (1 + exp(A f + B))`, computed without overflow. */
export function sigmoidPredict(f: number, s: { A: number; B: number }): number {
  const z = f * s.A + s.B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/** Ridge added to the coupling matrix's diagonal, so that a singular one (consistent pairwise estimates) still solves. */
export const COUPLING_RIDGE = 1e-10;

/**
 * Pairwise coupling (Wu, Lin and Weng 2004, method 2, as libsvm's multiclass_probability): the class
 * probabilities `p` minimizing `Σ_{i≠j} (r_ji p_i − r_ij p_j)²` with `Σ p = 1`, solved exactly as
 * `p ∝ (Q + εI)⁻¹ e` by Gauss–Jordan elimination (libsvm approaches the same minimizer iteratively).
 * `r` is `k × k` with `r[i k + j] = P(i | i or j)`; `p` receives `k` values; `Q` is `k × k` scratch.
 */
export function coupleProbabilities(k: number, r: Float64Array, p: Float64Array, Q: Float64Array): void {
  for (let t = 0; t < k; t++) {
    let diag = 0;
    for (let s = 0; s < k; s++) if (s !== t) diag += r[s * k + t] * r[s * k + t];
    for (let s = 0; s < k; s++) Q[t * k + s] = s === t ? diag + COUPLING_RIDGE : -r[t * k + s] * r[s * k + t];
    p[t] = 1;
  }
  for (let t = 0; t < k; t++) {
    const piv = Q[t * k + t];
    const rhs = p[t] / piv;
    for (let s = 0; s < k; s++) Q[t * k + s] /= piv;
    for (let i = 0; i < k; i++) {
      if (i === t) continue;
      const f = Q[i * k + t];
      for (let s = 0; s < k; s++) Q[i * k + s] -= f * Q[t * k + s];
      p[i] -= f * rhs;
    }
    p[t] = rhs;
  }
  let z = 0;
  for (let t = 0; t < k; t++) z += p[t];
  for (let t = 0; t < k; t++) p[t] /= z;
}
