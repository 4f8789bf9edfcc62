/**
 * Writes encoded category columns (an optional fill, then one-hot or ordinal) into a split's
 * row-major `x` straight from the raw strings, one lookup per row: no copy of the column's strings
 * and no float64 slot matrix between the raw column and `x`.
 */
import { categoryCodes, codeMap, type CategoryCodes } from '../categoryCodes';
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
 * `rows` in that order (`rows[from ..]`, written from row `from` of `x`, with `from`): a one-hot row
 * gets 1 in its category's slot, an ordinal row its code. A long column is read through its
 * `categoryCodes`, one array lookup per row.
 */
export function writeCodes(
  c: Coded,
  values: readonly (string | null)[],
  n: number,
  rows: ArrayLike<number> | undefined,
  x: Float32Array,
  width: number,
  offset: number,
  from = 0,
): void {
  const codes = categoryCodes(values);
  if (codes) return writeCoded(c, codes.codes, mapOf(c, codes), values, n, rows, x, width, offset, from);
  const { fill, index } = c;
  for (let k = from, at = offset + from * width; k < from + n; k++, at += width) {
    const v = values[rows ? rows[k] : k] ?? fill;
    const code = v === null ? undefined : index.get(v);
    if (!c.onehot) x[at] = code ?? c.unknown;
    else if (code !== undefined) x[at + code] = 1;
    else if (v !== null && c.error)
      throw new DataError(`unknown category ${JSON.stringify(v)} in column '${c.column}' (row ${k + 1})`);
  }
}

const maps = new WeakMap<Coded, { codes: CategoryCodes; map: Int32Array }>();

/** The code → category map of a coded column, kept while `c` lives (a block-by-block writer asks for it once per block). */
function mapOf(c: Coded, codes: CategoryCodes): Int32Array {
  const known = maps.get(c);
  if (known?.codes === codes) return known.map;
  const map = codeMap(codes, c.index, c.fill);
  maps.set(c, { codes, map });
  return map;
}

/** `writeCodes` through the column's codes: `map[code]` is the category index (-1: missing or unseen). */
function writeCoded(
  c: Coded,
  codes: Uint8Array | Uint16Array,
  map: Int32Array,
  values: readonly (string | null)[],
  n: number,
  rows: ArrayLike<number> | undefined,
  x: Float32Array,
  width: number,
  offset: number,
  from: number,
): void {
  const end = from + n;
  if (!c.onehot) {
    const unknown = c.unknown;
    for (let k = from, at = offset + from * width; k < end; k++, at += width) {
      const m = map[codes[rows ? rows[k] : k]];
      x[at] = m >= 0 ? m : unknown;
    }
    return;
  }
  const missing = map[0] < 0 && c.fill === null;
  for (let k = from, at = offset + from * width; k < end; k++, at += width) {
    const code = codes[rows ? rows[k] : k];
    const m = map[code];
    if (m >= 0) x[at + m] = 1;
    else if (c.error && !(code === 0 && missing)) {
      const v = values[rows ? rows[k] : k] ?? c.fill;
      throw new DataError(`unknown category ${JSON.stringify(v)} in column '${c.column}' (row ${k + 1})`);
    }
  }
}
