/**
 * A numeric column's elementwise steps (impute, standardize, min-max) as one scalar map, so the hot
 * loops at a million rows (writing `x`, fitting a scaler) apply them inline, value by value, with
 * the same arithmetic as the steps' `applyNumbers`.
 */
import { bucketPlan, BUCKETED_ROWS } from '../splitRaw';
import { moduleOf, type FittedTransform } from './registry';
import { moments, type Moments } from './TransformModule';

/** A chain as one map: a missing value becomes `fill`, then `(v − sub) / div`, or with `zero` a present value becomes 0. */
export interface Scalar {
  fill: number;
  sub: number;
  div: number;
  zero: boolean;
}

/** The identity map (no steps). */
export const IDENTITY: Scalar = { fill: NaN, sub: 0, div: 1, zero: false };

/** The chain as one scalar map when it is an optional fill followed by at most one scaling; else undefined. */
export function scalarOf(steps: readonly FittedTransform[]): Scalar | undefined {
  const k: Scalar = { ...IDENTITY };
  let stage = 0;
  for (const t of steps) {
    const s = moduleOf(t).scalar?.(t);
    if (!s) return undefined;
    if (s.op === 'fill') {
      if (stage > 0) return undefined;
      k.fill = s.value;
      stage = 1;
    } else {
      if (stage > 1) return undefined;
      if (s.op === 'zero') k.zero = true;
      else {
        k.sub = s.sub;
        k.div = s.div;
      }
      stage = 2;
    }
  }
  return k;
}

const ascendingIndex = new WeakMap<object, boolean>();

/**
 * Whether an index visits its rows in strictly ascending order (a front-to-back read of every
 * column); kept per long index while it lives (never modify an index once read).
 */
export function ascending(rows: ArrayLike<number>): boolean {
  const long = rows.length >= BUCKETED_ROWS && typeof rows === 'object';
  const known = long ? ascendingIndex.get(rows) : undefined;
  if (known !== undefined) return known;
  let up = true;
  for (let i = 1; i < rows.length; i++)
    if (rows[i] <= rows[i - 1]) {
      up = false;
      break;
    }
  if (long) ascendingIndex.set(rows, up);
  return up;
}

/**
 * The moments of `map(values[r])` over the rows `rows` (without a copy of the column when the map
 * only fills missing values): the same two passes (sum, then squared deviations) as `moments`,
 * over the rows in ascending source order for a long shuffled index (a front-to-back read of the
 * column; the sums differ from index order only in float rounding), else in index order. Without
 * `std` the second pass is skipped (std 0).
 */
export function scalarMoments(k: Scalar, values: Float64Array, rows: ArrayLike<number>, std = true): Moments {
  const order = rows.length >= BUCKETED_ROWS && !ascending(rows) ? bucketPlan(rows).src : rows;
  if (k.zero || k.sub !== 0 || k.div !== 1) {
    const out = new Float64Array(order.length);
    const { fill, sub, div, zero } = k;
    for (let i = 0; i < order.length; i++) {
      let x = values[order[i]];
      if (x !== x) x = fill;
      out[i] = x !== x ? x : zero ? 0 : (x - sub) / div;
    }
    return moments(out);
  }
  const fill = k.fill;
  let n = 0;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < order.length; i++) {
    let x = values[order[i]];
    if (x !== x) x = fill;
    if (x !== x) continue;
    n++;
    s += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = n ? s / n : 0;
  let ss = 0;
  if (std)
    for (let i = 0; i < order.length; i++) {
      let x = values[order[i]];
      if (x !== x) x = fill;
      if (x === x) ss += (x - mean) * (x - mean);
    }
  return { n, mean, std: n ? Math.sqrt(ss / n) : 0, min: n ? min : 0, max: n ? max : 0 };
}

/** Index entries per block of `scalarMomentsMany`: the block of the index stays in L1 while every column reads it. */
const MOMENT_BLOCK = 2048;

/**
 * `scalarMoments` of several columns over the same rows, each the same figures bit for bit: where
 * every map only fills and the index is read in its own order, the columns are summed a block of
 * the index at a time (the index is read once per pass, not once per column), each column's sums
 * in the same order as alone; otherwise one column after another.
 */
export function scalarMomentsMany(
  ks: readonly Scalar[],
  columns: readonly Float64Array[],
  rows: ArrayLike<number>,
  std = true,
): Moments[] {
  const inOrder = rows.length < BUCKETED_ROWS || ascending(rows);
  if (!inOrder || ks.some((k) => k.zero || k.sub !== 0 || k.div !== 1))
    return columns.map((v, c) => scalarMoments(ks[c], v, rows, std));
  const m = columns.length;
  const n = new Float64Array(m);
  const s = new Float64Array(m);
  const min = new Float64Array(m).fill(Infinity);
  const max = new Float64Array(m).fill(-Infinity);
  const ss = new Float64Array(m);
  const fill = Float64Array.from(ks, (k) => k.fill);
  for (let b = 0; b < rows.length; b += MOMENT_BLOCK) {
    const e = Math.min(rows.length, b + MOMENT_BLOCK);
    let c = 0;
    for (; c + 1 < m; c += 2) sumPair(columns[c], columns[c + 1], rows, b, e, c, fill, n, s, min, max);
    if (c < m) sumPair(columns[c], columns[c], rows, b, e, c, fill, n, s, min, max, true);
  }
  const mean = Array.from(s, (sc, c) => (n[c] ? sc / n[c] : 0));
  const mu = Float64Array.from(mean);
  if (std)
    for (let b = 0; b < rows.length; b += MOMENT_BLOCK) {
      const e = Math.min(rows.length, b + MOMENT_BLOCK);
      let c = 0;
      for (; c + 1 < m; c += 2) squaresPair(columns[c], columns[c + 1], rows, b, e, c, fill, mu, ss);
      if (c < m) squaresPair(columns[c], columns[c], rows, b, e, c, fill, mu, ss, true);
    }
  return mean.map((mu, c) => ({
    n: n[c],
    mean: mu,
    std: n[c] ? Math.sqrt(ss[c] / n[c]) : 0,
    min: n[c] ? min[c] : 0,
    max: n[c] ? max[c] : 0,
  }));
}

/**
 * Adds rows `rows[b .. e)` of columns `c` and `c + 1` (`a`, `z`) to their counts, sums and bounds:
 * two independent sums in one loop (the index read once), each in the same order as alone. With
 * `one`, only column `c` (`z` is ignored).
 */
function sumPair(
  a: Float64Array,
  z: Float64Array,
  rows: ArrayLike<number>,
  b: number,
  e: number,
  c: number,
  fill: Float64Array,
  n: Float64Array,
  s: Float64Array,
  min: Float64Array,
  max: Float64Array,
  one = false,
): void {
  const fa = fill[c];
  let na = n[c];
  let sa = s[c];
  let loA = min[c];
  let hiA = max[c];
  if (one) {
    for (let i = b; i < e; i++) {
      let x = a[rows[i]];
      if (x !== x) x = fa;
      if (x !== x) continue;
      na++;
      sa += x;
      if (x < loA) loA = x;
      if (x > hiA) hiA = x;
    }
  } else {
    const fz = fill[c + 1];
    let nz = n[c + 1];
    let sz = s[c + 1];
    let loZ = min[c + 1];
    let hiZ = max[c + 1];
    for (let i = b; i < e; i++) {
      const r = rows[i];
      let x = a[r];
      let y = z[r];
      if (x !== x) x = fa;
      if (y !== y) y = fz;
      if (x === x) {
        na++;
        sa += x;
        if (x < loA) loA = x;
        if (x > hiA) hiA = x;
      }
      if (y === y) {
        nz++;
        sz += y;
        if (y < loZ) loZ = y;
        if (y > hiZ) hiZ = y;
      }
    }
    n[c + 1] = nz;
    s[c + 1] = sz;
    min[c + 1] = loZ;
    max[c + 1] = hiZ;
  }
  n[c] = na;
  s[c] = sa;
  min[c] = loA;
  max[c] = hiA;
}

/** Adds the squared deviations of rows `rows[b .. e)` of columns `c` and `c + 1` to `ss`, as `sumPair` does the sums. */
function squaresPair(
  a: Float64Array,
  z: Float64Array,
  rows: ArrayLike<number>,
  b: number,
  e: number,
  c: number,
  fill: Float64Array,
  mean: Float64Array,
  ss: Float64Array,
  one = false,
): void {
  const fa = fill[c];
  const ma = mean[c];
  let qa = ss[c];
  if (one) {
    for (let i = b; i < e; i++) {
      let x = a[rows[i]];
      if (x !== x) x = fa;
      if (x === x) qa += (x - ma) * (x - ma);
    }
  } else {
    const fz = fill[c + 1];
    const mz = mean[c + 1];
    let qz = ss[c + 1];
    for (let i = b; i < e; i++) {
      const r = rows[i];
      let x = a[r];
      let y = z[r];
      if (x !== x) x = fa;
      if (y !== y) y = fz;
      if (x === x) qa += (x - ma) * (x - ma);
      if (y === y) qz += (y - mz) * (y - mz);
    }
    ss[c + 1] = qz;
  }
  ss[c] = qa;
}
