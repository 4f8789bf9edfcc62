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

/** Ascending copy of float32 values without NaN, by a three-pass LSD radix sort of their bits. */
function sortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  let a = new Uint32Array(n);
  let b = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const u = bits[i];
    a[i] = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
  }
  const count = new Int32Array(2048);
  for (let shift = 0; shift < 33; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(a[i] >>> shift) & 2047]++;
    let sum = 0;
    for (let k = 0; k < 2048; k++) {
      const c = count[k];
      count[k] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) b[count[(a[i] >>> shift) & 2047]++] = a[i];
    const t = a;
    a = b;
    b = t;
  }
  for (let i = 0; i < n; i++) {
    const k = a[i];
    a[i] = k & 0x80000000 ? k & 0x7fffffff : ~k >>> 0;
  }
  return new Float32Array(a.buffer, 0, n);
}

/** Thresholds from ascending non-NaN values `v` (see {@link binThresholds}). */
export function thresholdsOfSorted(v: Float32Array | Float64Array, maxBins: number): Float32Array {
  let distinctCount = 0;
  for (let i = 0; i < v.length && distinctCount <= maxBins; i++) if (i === 0 || v[i] !== v[i - 1]) distinctCount++;
  const mids: number[] = [];
  if (distinctCount <= maxBins) {
    let prev = NaN;
    for (let i = 0; i < v.length; i++) {
      if (i > 0 && v[i] === v[i - 1]) continue;
      if (i > 0) mids.push((prev + v[i]) / 2);
      prev = v[i];
    }
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

/** Thresholds of one float32 column (NaN allowed). */
function float32Thresholds(col: Float32Array, maxBins: number): Float32Array {
  const kept = new Float32Array(col.length);
  let k = 0;
  for (let i = 0; i < col.length; i++) if (!Number.isNaN(col[i])) kept[k++] = col[i];
  return thresholdsOfSorted(sortFloat32(kept.subarray(0, k)), maxBins);
}

/**
 * Bin edges of one column as scikit-learn's `_find_binning_thresholds`: midpoints between distinct
 * values when there are at most `maxBins` of them, else midpoint percentiles at `maxBins` even steps.
 */
export function binThresholds(values: Float64Array, maxBins: number): Float32Array {
  const f32 = Float32Array.from(values);
  let exact = true;
  for (let i = 0; i < values.length && exact; i++) exact = Number.isNaN(values[i]) || f32[i] === values[i];
  if (exact) return float32Thresholds(f32, maxBins);
  return thresholdsOfSorted(values.filter((x) => !Number.isNaN(x)).sort(), maxBins);
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

/**
 * Bins rows of row-major `x` with the given thresholds (fitted on the training rows): a branch-free
 * binary search over the thresholds padded to 255 with +Infinity.
 */
export function applyBins(
  x: Float32Array,
  n: number,
  d: number,
  thresholds: Float32Array[],
  missingBin: number,
): Uint8Array {
  const bins = new Uint8Array(n * d);
  const padded = new Float32Array(d * 256).fill(Infinity);
  for (let j = 0; j < d; j++) {
    if (thresholds[j].length > 255) throw new Error('at most 255 thresholds per feature');
    padded.set(thresholds[j], j * 256);
  }
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const v = x[row + j];
      if (Number.isNaN(v)) {
        bins[j * n + i] = missingBin;
        continue;
      }
      const t = j * 256 - 1;
      let lo = 0;
      lo += +(padded[t + lo + 128] < v) << 7;
      lo += +(padded[t + lo + 64] < v) << 6;
      lo += +(padded[t + lo + 32] < v) << 5;
      lo += +(padded[t + lo + 16] < v) << 4;
      lo += +(padded[t + lo + 8] < v) << 3;
      lo += +(padded[t + lo + 4] < v) << 2;
      lo += +(padded[t + lo + 2] < v) << 1;
      lo += +(padded[t + lo + 1] < v);
      bins[j * n + i] = lo;
    }
  }
  return bins;
}

/** Fits thresholds on `x` (at most `maxBins` ≤ 255 bins per feature plus one for missing values) and bins it. */
export function fitBins(x: Float32Array, n: number, d: number, maxBins: number): BinnedFeatures {
  const thresholds: Float32Array[] = [];
  const hasMissing = new Uint8Array(d);
  const col = new Float32Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) {
      col[i] = x[i * d + j];
      if (Number.isNaN(col[i])) hasMissing[j] = 1;
    }
    thresholds.push(float32Thresholds(col, maxBins));
  }
  return { bins: applyBins(x, n, d, thresholds, maxBins), n, d, thresholds, hasMissing, missingBin: maxBins };
}
