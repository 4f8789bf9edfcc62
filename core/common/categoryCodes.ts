/**
 * A category column's strings as small integer codes, built once per column and kept while the
 * column lives, so the million-row loops (one-hot and ordinal writing, fitting categories) index
 * typed arrays instead of hashing a string per row. Columns are values: a column's strings must not
 * change once it has been read here.
 */

/** Code 0 is a missing value (null); code k ≥ 1 is `levels[k - 1]`, levels in order of first appearance. */
export interface CategoryCodes {
  codes: Uint8Array | Uint16Array;
  levels: string[];
}

/** Columns shorter than this are read string by string: their lookups cost less than building codes. */
export const CODED_ROWS = 1 << 12;

/** More distinct values than this and the column is not coded (free text, ids). */
const MAX_LEVELS = 0xfffe;

const known = new WeakMap<readonly (string | null)[], CategoryCodes | null>();

/** The column's codes (built on the first call, one pass), or undefined for a short column or one with too many distinct values. */
export function categoryCodes(values: readonly (string | null)[]): CategoryCodes | undefined {
  if (values.length < CODED_ROWS) return undefined;
  const seen = known.get(values);
  if (seen !== undefined) return seen ?? undefined;
  const built = buildCodes(values);
  known.set(values, built);
  return built ?? undefined;
}

function buildCodes(values: readonly (string | null)[]): CategoryCodes | null {
  const index = new Map<string, number>();
  const levels: string[] = [];
  let codes: Uint8Array | Uint16Array = new Uint8Array(values.length);
  let last: string | null = null;
  let lastCode = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? null;
    if (v === null) continue;
    if (v === last) {
      codes[i] = lastCode;
      continue;
    }
    let k = index.get(v);
    if (k === undefined) {
      if (levels.length >= MAX_LEVELS) return null;
      levels.push(v);
      k = levels.length;
      index.set(v, k);
      if (k === 0x100) codes = Uint16Array.from(codes);
    }
    codes[i] = k;
    last = v;
    lastCode = k;
  }
  return { codes, levels };
}

/**
 * For each code, the index of its string in `categories` (-1 where absent); code 0 (missing) maps
 * as `missing` would (-1 for null).
 */
export function codeMap(c: CategoryCodes, categories: ReadonlyMap<string, number>, missing: string | null): Int32Array {
  const map = new Int32Array(c.levels.length + 1);
  map[0] = missing === null ? -1 : (categories.get(missing) ?? -1);
  for (let k = 0; k < c.levels.length; k++) map[k + 1] = categories.get(c.levels[k]) ?? -1;
  return map;
}

/** The sorted distinct present strings among the rows `rows` (every row without), from the codes. */
export function presentLevels(c: CategoryCodes, rows?: ArrayLike<number>): string[] {
  const hit = new Uint8Array(c.levels.length + 1);
  const codes = c.codes;
  if (rows) for (let i = 0; i < rows.length; i++) hit[codes[rows[i]]] = 1;
  else for (let i = 0; i < codes.length; i++) hit[codes[i]] = 1;
  const out: string[] = [];
  for (let k = 1; k < hit.length; k++) if (hit[k]) out.push(c.levels[k - 1]);
  return out.sort();
}
