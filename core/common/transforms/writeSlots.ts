/**
 * Writes single-slot numeric columns into a split's row-major `x` straight from their raw values
 * through their elementwise steps (impute, standardize, min-max): the hot loop of prep.split and the
 * scalers at a million rows. A column whose steps have a scalar form (`TransformModule.scalar`) is
 * mapped inline, value by value; any other elementwise chain goes through a small scratch.
 */
import { bucketPlan, BUCKETED_ROWS } from '../splitRaw';
import { moduleOf, type FittedTransform } from './registry';
import { ascending, scalarOf, type Scalar } from './scalarChain';

/** A single-slot numeric column written into `x` at `offset` from its raw values through its steps. */
export interface SlotColumn {
  offset: number;
  values: Float64Array;
  steps: readonly FittedTransform[];
}

/**
 * `out[at + j·stride] = map(values[rows[from + j]])` for `j < count` (`values[from + j]` without
 * `rows`); `(v − 0) / 1` is `v` bit for bit, so the identity and fill-only maps need no arithmetic.
 */
function mapInto(
  k: Scalar,
  values: Float64Array,
  rows: ArrayLike<number> | undefined,
  from: number,
  count: number,
  out: Float32Array,
  at: number,
  stride: number,
): void {
  const { fill, sub, div } = k;
  if (k.zero) {
    for (let j = 0; j < count; j++, at += stride) {
      const v = values[rows ? rows[from + j] : from + j];
      out[at] = v === v || fill === fill ? 0 : NaN;
    }
  } else if (rows && sub === 0 && div === 1) {
    for (let j = 0; j < count; j++, at += stride) {
      const v = values[rows[from + j]];
      out[at] = v !== v ? fill : v;
    }
  } else if (rows) {
    for (let j = 0; j < count; j++, at += stride) {
      let v = values[rows[from + j]];
      if (v !== v) v = fill;
      out[at] = (v - sub) / div;
    }
  } else {
    for (let j = 0; j < count; j++, at += stride) {
      let v = values[from + j];
      if (v !== v) v = fill;
      out[at] = (v - sub) / div;
    }
  }
}

/** Rows `from .. from + out.length` (through `rows`) of a column without a scalar form, through its steps into `out`. */
function chainInto(c: SlotColumn, rows: ArrayLike<number> | undefined, from: number, out: Float64Array): void {
  const src = c.values;
  if (rows) for (let j = 0; j < out.length; j++) out[j] = src[rows[from + j]];
  else for (let j = 0; j < out.length; j++) out[j] = src[from + j];
  for (const t of c.steps) moduleOf(t).applyNumbers!(t, out, out);
}

/** Rows per block of the in-order writer: the block of `x` it fills stays in cache across the columns. */
const ROW_BLOCK = 256;

/**
 * Writes columns of an indexed split into `x`, bucket by bucket (see `bucketPlan`): each column's
 * values of the bucket go through its steps into a float32 tile, then each row of the bucket is
 * written whole, so `x` is visited once per row rather than once per row and column.
 */
function writeIndexed(cols: readonly SlotColumn[], rows: ArrayLike<number>, x: Float32Array, width: number): void {
  const { src, dst, bounds } = bucketPlan(rows);
  let most = 0;
  for (let b = 0; b + 1 < bounds.length; b++) most = Math.max(most, bounds[b + 1] - bounds[b]);
  const m = cols.length;
  const tile = new Float32Array(most * m);
  const scratch = new Float64Array(most);
  const scalars = cols.map((c) => scalarOf(c.steps));
  const offsets = Int32Array.from(cols, (c) => c.offset);
  for (let b = 0; b + 1 < bounds.length; b++) {
    const from = bounds[b];
    const count = bounds[b + 1] - from;
    if (count === 0) continue;
    for (let c = 0; c < m; c++) {
      const k = scalars[c];
      if (k) mapInto(k, cols[c].values, src, from, count, tile, c * count, 1);
      else {
        const block = scratch.subarray(0, count);
        chainInto(cols[c], src, from, block);
        tile.set(block, c * count);
      }
    }
    for (let j = 0; j < count; j++) {
      const base = dst[from + j] * width;
      for (let c = 0, at = j; c < m; c++, at += count) x[base + offsets[c]] = tile[at];
    }
  }
}

/**
 * Writes columns into `x` (`n × width`) for rows `0 .. n`, or the rows `rows` in that order: a
 * block of rows at a time when the rows are read in ascending order, bucket by bucket otherwise.
 */
export function writeSlots(
  cols: readonly SlotColumn[],
  n: number,
  rows: ArrayLike<number> | undefined,
  x: Float32Array,
  width: number,
): void {
  if (n === 0 || cols.length === 0) return;
  if (rows && n >= BUCKETED_ROWS && !ascending(rows)) return writeIndexed(cols, rows, x, width);
  const write = slotWriter(cols, x, width);
  for (let start = 0; start < n; start += ROW_BLOCK) write(rows, start, Math.min(ROW_BLOCK, n - start));
}

/**
 * The in-order writer of `writeSlots` for a caller that walks the rows itself: `write(rows, from,
 * count)` writes rows `from .. from + count` (through `rows` when given) of every column into `x`.
 */
export function slotWriter(
  cols: readonly SlotColumn[],
  x: Float32Array,
  width: number,
): (rows: ArrayLike<number> | undefined, from: number, count: number) => void {
  const scalars = cols.map((c) => scalarOf(c.steps));
  let scratch = new Float64Array(0);
  return (rows, from, count) => {
    for (let c = 0; c < cols.length; c++) {
      const k = scalars[c];
      const at = from * width + cols[c].offset;
      if (k) {
        mapInto(k, cols[c].values, rows, from, count, x, at, width);
        continue;
      }
      if (scratch.length < count) scratch = new Float64Array(Math.max(count, ROW_BLOCK));
      const block = count === scratch.length ? scratch : scratch.subarray(0, count);
      chainInto(cols[c], rows, from, block);
      for (let j = 0, i = at; j < count; j++, i += width) x[i] = block[j];
    }
  };
}
