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
