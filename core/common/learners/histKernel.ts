/** The histogram kernel of boosting: `[g, h, count]` per (feature, bin), `stride` values per feature. */

/** Adds `grad[row]`, `hess[row]` and 1 to the `[g, h, count]` slot of `row`'s bin for four columns at once. */
function addFourColumns(
  bins: Uint8Array,
  c0: number,
  n: number,
  rows: Int32Array | null,
  start: number,
  size: number,
  grad: Float32Array,
  hess: Float32Array,
  hist: Float64Array,
  b0: number,
  stride: number,
): void {
  const c1 = c0 + n;
  const c2 = c1 + n;
  const c3 = c2 + n;
  const b1 = b0 + stride;
  const b2 = b1 + stride;
  const b3 = b2 + stride;
  for (let k = 0; k < size; k++) {
    const r = rows === null ? k : rows[start + k];
    const g = grad[k];
    const h = hess[k];
    const a0 = b0 + bins[c0 + r] * 3;
    hist[a0] += g;
    hist[a0 + 1] += h;
    hist[a0 + 2] += 1;
    const a1 = b1 + bins[c1 + r] * 3;
    hist[a1] += g;
    hist[a1 + 1] += h;
    hist[a1 + 2] += 1;
    const a2 = b2 + bins[c2 + r] * 3;
    hist[a2] += g;
    hist[a2 + 1] += h;
    hist[a2 + 2] += 1;
    const a3 = b3 + bins[c3 + r] * 3;
    hist[a3] += g;
    hist[a3 + 1] += h;
    hist[a3 + 2] += 1;
  }
}

/**
 * Adds `grad[k]`, `hess[k]` and 1 to the `[g, h, count]` slot of the bin of row `rows[start + k]`
 * (row `k` when `rows` is null) for `k < size`, for features `j0 .. j1`, four columns per pass.
 */
export function addColumns(
  bins: Uint8Array,
  n: number,
  j0: number,
  j1: number,
  order: Int32Array | null,
  start: number,
  size: number,
  g: Float32Array,
  h: Float32Array,
  hist: Float64Array,
  stride: number,
): void {
  let j = j0;
  for (; j + 4 <= j1; j += 4) addFourColumns(bins, j * n, n, order, start, size, g, h, hist, j * stride, stride);
  for (; j < j1; j++) {
    const col = j * n;
    const base = j * stride;
    for (let k = 0; k < size; k++) {
      const at = base + bins[col + (order === null ? k : order[start + k])] * 3;
      hist[at] += g[k];
      hist[at + 1] += h[k];
      hist[at + 2] += 1;
    }
  }
}
