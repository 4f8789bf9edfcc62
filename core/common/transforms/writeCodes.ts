/**
 * Writes encoded category columns (an optional fill, then one-hot or ordinal) into a split's
 * row-major `x` straight from the raw strings, one lookup per row: no copy of the column's strings
 * and no float64 slot matrix between the raw column and `x`.
 */
import { DataError } from '../nodes/prep/DataError';
import { moduleOf, type FittedTransform } from './registry';

/** A category column's steps as one lookup: see `codedOf`. */
export interface Coded {
  column: string;
  /** What a missing value becomes before the lookup (null: it stays missing). */
  fill: string | null;
  index: Map<string, number>;
  /** Slots written: the categories for one-hot, 1 for ordinal. */
  width: number;
  onehot: boolean;
  /** Ordinal code of a missing or unseen value. */
  unknown: number;
  /** One-hot refuses unseen values. */
  error: boolean;
}

/** The chain as one lookup when it is an optional fill followed by one-hot or ordinal; else undefined. */
export function codedOf(column: string, steps: readonly FittedTransform[]): Coded | undefined {
  let fill: string | null = null;
  for (let i = 0; i < steps.length; i++) {
    const s = moduleOf(steps[i]).category?.(steps[i]);
    if (!s) return undefined;
    if (s.op === 'fill') {
      if (i > 0) return undefined;
      fill = s.value;
      continue;
    }
    if (i !== steps.length - 1) return undefined;
    const index = new Map(s.categories.map((c, k) => [c, k]));
    return s.op === 'onehot'
      ? { column, fill, index, width: s.categories.length, onehot: true, unknown: -1, error: s.error }
      : { column, fill, index, width: 1, onehot: false, unknown: s.unknown, error: false };
  }
  return undefined;
}

/**
 * Writes a coded column into `x` (`n × width`, zeroed) at `offset`, for rows `0 .. n` or the rows
 * `rows` in that order: a one-hot row gets 1 in its category's slot, an ordinal row its code.
 */
export function writeCodes(
  c: Coded,
  values: readonly (string | null)[],
  n: number,
  rows: ArrayLike<number> | undefined,
  x: Float32Array,
  width: number,
  offset: number,
): void {
  const { fill, index } = c;
  for (let k = 0, at = offset; k < n; k++, at += width) {
    const v = values[rows ? rows[k] : k] ?? fill;
    const code = v === null ? undefined : index.get(v);
    if (!c.onehot) x[at] = code ?? c.unknown;
    else if (code !== undefined) x[at + code] = 1;
    else if (v !== null && c.error)
      throw new DataError(`unknown category ${JSON.stringify(v)} in column '${c.column}' (row ${k + 1})`);
  }
}
