import type { FittedTransform, RawFeature, TableColumn } from '../../values';

/**
 * How a tabular Dataset's features `x` are built from raw columns — the contract export and
 * prediction rely on: for each raw feature in `rawFeatures` order, take its column, apply that
 * column's transforms in list order (impute, then scaling or encoding), and write the result:
 * one slot, or `categories.length` slots for `onehot` (an unknown or missing category gives
 * all zeros with `unknown: 'ignore'`). `ordinal` maps a category to its index (`unknown` when
 * not seen in training).
 */
export function transformsFor(column: string, transforms: readonly FittedTransform[]): FittedTransform[] {
  return transforms.filter((t) => t.column === column);
}

/** Number of `x` slots a raw feature takes. */
export function featureWidth(column: string, transforms: readonly FittedTransform[]): number {
  const oh = transformsFor(column, transforms).find((t) => t.kind === 'onehot');
  return oh && oh.kind === 'onehot' ? oh.categories.length : 1;
}

/** Names of the `x` slots, e.g. `sepal_length`, `color=red`. */
export function featureNames(rawFeatures: readonly RawFeature[], transforms: readonly FittedTransform[]): string[] {
  const names: string[] = [];
  for (const f of rawFeatures) {
    const oh = transformsFor(f.name, transforms).find((t) => t.kind === 'onehot');
    if (oh && oh.kind === 'onehot') for (const c of oh.categories) names.push(`${f.name}=${c}`);
    else names.push(f.name);
  }
  return names;
}

type Cell = number | string | null;

function cellAt(col: TableColumn, i: number): Cell {
  const v = col.values[i];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && v !== v) return null;
  return v;
}

function asCategory(v: Cell): string | null {
  return v === null ? null : typeof v === 'string' ? v : String(v);
}

/** Applies one column's transforms to one value; returns a number, or a category for onehot. */
function applyOne(v: Cell, t: FittedTransform, column: string, row: number): Cell {
  switch (t.kind) {
    case 'impute':
      return v === null ? t.value : v;
    case 'standardize':
      if (v === null) return null;
      if (typeof v !== 'number') throw new Error(`standardize on non-numeric column '${column}' (row ${row + 1})`);
      return (v - t.mean) / (t.std > 0 ? t.std : 1);
    case 'minmax':
      if (v === null) return null;
      if (typeof v !== 'number') throw new Error(`minmax on non-numeric column '${column}' (row ${row + 1})`);
      return t.max > t.min ? (v - t.min) / (t.max - t.min) : 0;
    case 'ordinal': {
      const c = asCategory(v);
      const k = c === null ? -1 : t.categories.indexOf(c);
      return k >= 0 ? k : t.unknown;
    }
    case 'onehot':
      return asCategory(v);
  }
}

/** Builds `x` (`n × width`, row-major float32) from raw columns; see `transformsFor` for the rules. */
export function assembleFeatures(
  raw: readonly TableColumn[],
  rawFeatures: readonly RawFeature[],
  transforms: readonly FittedTransform[],
  n: number,
): Float32Array {
  const widths = rawFeatures.map((f) => featureWidth(f.name, transforms));
  const width = widths.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * width);
  let offset = 0;
  rawFeatures.forEach((f, fi) => {
    const col = raw.find((c) => c.name === f.name);
    if (!col) throw new Error(`raw column '${f.name}' is missing`);
    const ts = transformsFor(f.name, transforms);
    const onehot = ts.find((t) => t.kind === 'onehot');
    const index = onehot && onehot.kind === 'onehot' ? new Map(onehot.categories.map((c, k) => [c, k])) : null;
    for (let i = 0; i < n; i++) {
      let v = cellAt(col, i);
      for (const t of ts) v = applyOne(v, t, f.name, i);
      const base = i * width + offset;
      if (index) {
        const k = v === null ? undefined : index.get(String(v));
        if (k !== undefined) x[base + k] = 1;
        else if (onehot?.kind === 'onehot' && onehot.unknown === 'error' && v !== null) {
          throw new Error(`unknown category ${JSON.stringify(v)} in column '${f.name}' (row ${i + 1})`);
        }
      } else if (typeof v === 'string') {
        throw new Error(`column '${f.name}' holds categories; encode it (one-hot or ordinal) first`);
      } else {
        x[base] = v === null ? NaN : v;
      }
    }
    offset += widths[fi];
  });
  return x;
}
