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
  for (let b = 0; b < rows.length; b += MOMENT_BLOCK) {
    const e = Math.min(rows.length, b + MOMENT_BLOCK);
    for (let c = 0; c < m; c++) {
      const values = columns[c];
      const fill = ks[c].fill;
      let nc = n[c];
      let sc = s[c];
      let lo = min[c];
      let hi = max[c];
      for (let i = b; i < e; i++) {
        let x = values[rows[i]];
        if (x !== x) x = fill;
        if (x !== x) continue;
        nc++;
        sc += x;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      n[c] = nc;
      s[c] = sc;
      min[c] = lo;
      max[c] = hi;
    }
  }
  const mean = Array.from(s, (sc, c) => (n[c] ? sc / n[c] : 0));
  const ss = new Float64Array(m);
  if (std)
    for (let b = 0; b < rows.length; b += MOMENT_BLOCK) {
      const e = Math.min(rows.length, b + MOMENT_BLOCK);
      for (let c = 0; c < m; c++) {
        const values = columns[c];
        const fill = ks[c].fill;
        const mu = mean[c];
        let q = ss[c];
        for (let i = b; i < e; i++) {
          let x = values[rows[i]];
          if (x !== x) x = fill;
          if (x === x) q += (x - mu) * (x - mu);
        }
        ss[c] = q;
      }
    }
  return mean.map((mu, c) => ({
    n: n[c],
    mean: mu,
    std: n[c] ? Math.sqrt(ss[c] / n[c]) : 0,
    min: n[c] ? min[c] : 0,
    max: n[c] ? max[c] : 0,
  }));
}
