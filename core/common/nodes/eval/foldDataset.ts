import type { DatasetSplit, DatasetValue, TableColumn } from '../../values';
import { DataError } from '../prep/DataError';
import { refitTransforms } from '../prep/refitTransforms';
import { withTransforms } from '../prep/refitDataset';
import { rawColumns, rawColumnsAt } from '../../splitRaw';

function concatIndex(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function concatColumns(a: TableColumn, b: TableColumn): TableColumn {
  if (Array.isArray(a.values))
    return { ...a, values: [...a.values, ...(b.values as (string | null)[])] } as TableColumn;
  const v = new Float64Array(a.values.length + b.values.length);
  v.set(a.values);
  v.set(b.values as Float64Array, a.values.length);
  return { ...a, values: v } as TableColumn;
}

/** Rows `rows` of an in-memory split: features, labels, raw columns and row ids. */
export function takeSplitRows(split: DatasetSplit, rows: ArrayLike<number>): DatasetSplit {
  const k = rows.length;
  const rowSize = split.n ? split.x.length / split.n : 0;
  const labelSize = split.n ? split.y.length / split.n : 1;
  const x = new Float32Array(k * rowSize);
  const y = split.y instanceof Int32Array ? new Int32Array(k * labelSize) : new Float32Array(k * labelSize);
  for (let i = 0; i < k; i++) {
    const r = rows[i];
    x.set(split.x.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
    y.set(split.y.subarray(r * labelSize, (r + 1) * labelSize), i * labelSize);
  }
  return {
    x,
    y,
    n: k,
    ...(split.raw ? { raw: rawColumnsAt(split, rows)! } : {}),
    ...(split.rowIds ? { rowIds: Int32Array.from({ length: k }, (_, i) => split.rowIds![rows[i]]) } : {}),
  };
}

/**
 * The rows cross-validation folds: the train split followed by the validation split when the
 * dataset has one (features, labels, raw columns and row ids concatenated).
 */
export function pooledRows(data: DatasetValue, where: string): DatasetSplit {
  const parts = ['train', 'validation'].map((s) => data.splits[s]).filter((s): s is DatasetSplit => !!s && s.n > 0);
  if (!parts.length)
    throw new DataError(`${where}: the dataset has no train rows to cross-validate; connect prep.split`);
  if (parts.some((p) => p.lazy)) {
    throw new DataError(
      `${where}: the training rows are read from files batch by batch (above the reader's memoryBudgetMB); ` +
        'cross-validation needs them in memory: raise memoryBudgetMB',
    );
  }
  if (parts.length === 1) return parts[0];
  const [a, b] = parts;
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y =
    a.y instanceof Int32Array ? new Int32Array(a.y.length + b.y.length) : new Float32Array(a.y.length + b.y.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  const rowIds = a.rowIds && b.rowIds ? concatIndex(a.rowIds, b.rowIds) : undefined;
  const pooled: DatasetSplit = { x, y, n: a.n + b.n, ...(rowIds ? { rowIds } : {}) };
  if (a.raw && b.raw && a.rawRows && b.rawRows && a.raw === b.raw)
    return { ...pooled, raw: a.raw, rawRows: concatIndex(a.rawRows, b.rawRows) };
  const ra = rawColumns(a);
  const rb = rawColumns(b);
  const raw = ra && rb ? ra.map((c) => concatColumns(c, rb.find((d) => d.name === c.name) ?? c)) : undefined;
  return { ...pooled, ...(raw ? { raw } : {}) };
}

/**
 * A dataset of one fold: `train` and `test` splits cut from `rows`, with every fitted step of
 * `data` fitted again on the fold's training rows only and applied to both splits.
 */
export function foldDataset(
  data: DatasetValue,
  rows: DatasetSplit,
  train: ArrayLike<number>,
  test: ArrayLike<number>,
  where: string,
): DatasetValue {
  const splits = { train: takeSplitRows(rows, train), test: takeSplitRows(rows, test) };
  const base: DatasetValue = { ...data, splits };
  if (!data.transforms.length) return base;
  if (!rows.raw || !data.rawFeatures) {
    throw new DataError(
      `${where}: the dataset has fitted steps (${data.transforms.map((t) => t.kind).join(', ')}) but no raw columns to fit them again in each fold`,
    );
  }
  const transforms = refitTransforms(data.transforms, splits.train.raw!, splits.train.n);
  return withTransforms(base, transforms);
}
