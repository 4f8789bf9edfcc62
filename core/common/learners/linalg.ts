/**
 * Solves `A x = b` for a symmetric positive definite `A` (`d × d`, row-major, overwritten by its
 * Cholesky factor) and several right-hand sides `b` (`d × m`, overwritten by `x`). Returns the
 * index of the first pivot that is not positive (relative to the largest diagonal), or -1.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, d: number, m: number): number {
  let maxDiag = 0;
  for (let i = 0; i < d; i++) maxDiag = Math.max(maxDiag, a[i * d + i]);
  const floor = maxDiag * 1e-12;
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
    if (!(s > floor)) return j;
    const l = Math.sqrt(s);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j];
      for (let k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = t / l;
    }
  }
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < d; i++) {
      let t = b[i * m + c];
      for (let k = 0; k < i; k++) t -= a[i * d + k] * b[k * m + c];
      b[i * m + c] = t / a[i * d + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let t = b[i * m + c];
      for (let k = i + 1; k < d; k++) t -= a[k * d + i] * b[k * m + c];
      b[i * m + c] = t / a[i * d + i];
    }
  }
  return -1;
}

/** Column means of row-major `x` (`n × d`), in float64. */
export function columnMeans(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(n, 1);
  return mean;
}

/** Column-major float64 copy of row-major `x`, each column minus `shift[j]`. */
export function centeredColumns(x: Float32Array, n: number, d: number, shift: Float64Array): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j * n + i] = x[i * d + j] - shift[j];
  return out;
}
