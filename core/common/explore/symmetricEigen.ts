/** Eigenvalues (descending) and unit eigenvectors (`vectors[k]` goes with `values[k]`) of a symmetric matrix. */
export interface Eigen {
  values: number[];
  vectors: number[][];
}

/**
 * All eigenpairs of a symmetric `d × d` matrix (row-major) by cyclic Jacobi rotations, which keep
 * full relative accuracy; sorted by eigenvalue, largest first.
 */
export function symmetricEigen(m: ArrayLike<number>, d: number): Eigen {
  const a = Float64Array.from(m);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    if (off <= 1e-32 * scale || off === 0) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i] || i - j);
  return {
    values: order.map((i) => a[i * d + i]),
    vectors: order.map((i) => Array.from({ length: d }, (_, k) => v[k * d + i])),
  };
}

/**
 * The top `k` eigenpairs of a symmetric positive semi-definite matrix too large for Jacobi:
 * orthogonal (subspace) iteration on a block of `k + 6` vectors, then a Rayleigh–Ritz step.
 */
export function topEigen(m: Float64Array, d: number, k: number, maxIter = 1000): Eigen {
  const b = Math.min(d, k + 6);
  const byVariance = Array.from({ length: d }, (_, i) => i).sort((i, j) => m[j * d + j] - m[i * d + i] || i - j);
  let q: Float64Array[] = byVariance.slice(0, b).map((i) => {
    const col = new Float64Array(d);
    col[i] = 1;
    return col;
  });
  const times = (x: Float64Array): Float64Array => {
    const y = new Float64Array(d);
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += m[r * d + c] * x[c];
      y[r] = s;
    }
    return y;
  };
  let ritz: Eigen = { values: [], vectors: [] };
  for (let it = 0; it < maxIter; it++) {
    q = orthonormalize(q.map(times), d);
    if (it % 5 !== 4 && it !== maxIter - 1) continue;
    ritz = rayleighRitz(q, times, d);
    let worst = 0;
    for (let j = 0; j < k; j++) {
      const x = Float64Array.from(ritz.vectors[j]);
      const y = times(x);
      let r = 0;
      for (let i = 0; i < d; i++) r += (y[i] - ritz.values[j] * x[i]) ** 2;
      worst = Math.max(worst, Math.sqrt(r) / Math.max(Math.abs(ritz.values[0]), 1e-300));
    }
    if (worst < 1e-12) break;
  }
  return { values: ritz.values.slice(0, k), vectors: ritz.vectors.slice(0, k) };
}

function orthonormalize(cols: Float64Array[], d: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of cols) {
    const x = Float64Array.from(c);
    for (let pass = 0; pass < 2; pass++)
      for (const o of out) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += x[i] * o[i];
        for (let i = 0; i < d; i++) x[i] -= dot * o[i];
      }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += x[i] * x[i];
    norm = Math.sqrt(norm);
    if (norm > 1e-300) {
      for (let i = 0; i < d; i++) x[i] /= norm;
      out.push(x);
    }
  }
  return out;
}

function rayleighRitz(q: Float64Array[], times: (x: Float64Array) => Float64Array, d: number): Eigen {
  const b = q.length;
  const cq = q.map(times);
  const small = new Float64Array(b * b);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < b; j++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += q[i][r] * cq[j][r];
      small[i * b + j] = s;
    }
  for (let i = 0; i < b; i++)
    for (let j = i + 1; j < b; j++) small[i * b + j] = small[j * b + i] = (small[i * b + j] + small[j * b + i]) / 2;
  const e = symmetricEigen(small, b);
  return {
    values: e.values,
    vectors: e.vectors.map((w) => Array.from({ length: d }, (_, r) => w.reduce((s, wi, i) => s + wi * q[i][r], 0))),
  };
}
