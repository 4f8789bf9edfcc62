/** The largest float32 not above `v`, so `x <= t32` equals `x <= v` for every float32 `x`. */
export function float32Below(v: number): number {
  const f = Math.fround(v);
  if (f <= v) return f;
  const buf = new Float32Array([f]);
  const bits = new Int32Array(buf.buffer);
  bits[0] += f > 0 ? -1 : 1;
  if (f === 0) buf[0] = -1.401298464324817e-45;
  return buf[0];
}

/** Features binned for histogram boosting: column-major bin indices, NaN in bin `missingBin`. */
export interface BinnedFeatures {
  /** `d × n`, column-major. */
  bins: Uint8Array;
  n: number;
  d: number;
  /** Per feature, ascending float32 thresholds: bin `b` holds `thresholds[b-1] < x <= thresholds[b]`. */
  thresholds: Float32Array[];
  /** Per feature, whether the fitted rows had missing values. */
  hasMissing: Uint8Array;
  missingBin: number;
}

/**
 * Bin edges of one column as scikit-learn's `_find_binning_thresholds`: midpoints between distinct
 * values when there are at most `maxBins` of them, else midpoint percentiles at `maxBins` even steps.
 */
export function binThresholds(values: Float64Array, maxBins: number): Float32Array {
  const v = values.filter((x) => !Number.isNaN(x)).sort();
  const distinct: number[] = [];
  for (let i = 0; i < v.length; i++) if (i === 0 || v[i] !== v[i - 1]) distinct.push(v[i]);
  const mids: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) mids.push((distinct[i] + distinct[i + 1]) / 2);
  } else {
    for (let k = 1; k < maxBins; k++) {
      const pos = (k / maxBins) * (v.length - 1);
      const lo = v[Math.floor(pos)];
      const hi = v[Math.ceil(pos)];
      mids.push((lo + hi) / 2);
    }
  }
  const out: number[] = [];
  for (const m of mids) {
    const t = float32Below(m);
    if (out.length === 0 || t > out[out.length - 1]) out.push(t);
  }
  return Float32Array.from(out);
}

/** The bin of `x` for a feature's thresholds (count of thresholds below `x`); NaN → `missingBin`. */
export function binOf(thresholds: Float32Array, x: number, missingBin: number): number {
  if (Number.isNaN(x)) return missingBin;
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (thresholds[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bins rows of row-major `x` with the given thresholds (fitted on the training rows). */
export function applyBins(
  x: Float32Array,
  n: number,
  d: number,
  thresholds: Float32Array[],
  missingBin: number,
): Uint8Array {
  const bins = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) {
    const t = thresholds[j];
    for (let i = 0; i < n; i++) bins[j * n + i] = binOf(t, x[i * d + j], missingBin);
  }
  return bins;
}

/** Fits thresholds on `x` (at most `maxBins` ≤ 255 bins per feature plus one for missing values) and bins it. */
export function fitBins(x: Float32Array, n: number, d: number, maxBins: number): BinnedFeatures {
  const thresholds: Float32Array[] = [];
  const hasMissing = new Uint8Array(d);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) {
      col[i] = x[i * d + j];
      if (Number.isNaN(col[i])) hasMissing[j] = 1;
    }
    thresholds.push(binThresholds(col, maxBins));
  }
  return { bins: applyBins(x, n, d, thresholds, maxBins), n, d, thresholds, hasMissing, missingBin: maxBins };
}
