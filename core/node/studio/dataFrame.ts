import type { DatasetValue, TableColumn, TableValue } from '../../common';
import { looksCategorical, columnStats } from '../../common/nodes/data/tablePreview';

/** At most this many feature columns of a dataset are shown. */
const MAX_FRAME_COLUMNS = 200;

/** The whole table behind a node's output (or one dataset split), for paging and the data views. */
export interface DataFrame {
  columns: TableColumn[];
  rowCount: number;
  /** Row numbers (1-based) in the source file, when rows were reordered. */
  rowIds?: Int32Array;
  /** The column points are coloured by, and its classes in order (a dataset's class names). */
  classColumn?: string;
  classOrder?: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isTable = (v: unknown): v is TableValue =>
  isObject(v) && Array.isArray(v.columns) && typeof v.rowCount === 'number';
const isDataset = (v: unknown): v is DatasetValue => isObject(v) && isObject(v.splits) && Array.isArray(v.featureShape);

/** Features (as the model sees them, first 200) and the target of one dataset split. */
function splitFrame(ds: DatasetValue, name: string): DataFrame | undefined {
  const split = ds.splits[name];
  if (!split) return undefined;
  const width = ds.featureShape.reduce((a, b) => a * b, 1);
  const shown = split.lazy ? 0 : Math.min(width, MAX_FRAME_COLUMNS);
  const n = split.n;
  const columns: TableColumn[] = [];
  for (let j = 0; j < shown; j++) {
    const values = new Float64Array(n);
    for (let r = 0; r < n; r++) values[r] = split.x[r * width + j]!;
    columns.push({ name: ds.featureNames?.[j] ?? `x${j}`, type: 'number', values });
  }
  const target = ds.targetName ?? 'target';
  const frame: DataFrame = { columns, rowCount: n, ...(split.rowIds ? { rowIds: split.rowIds } : {}) };
  if (ds.task === 'classification') {
    const names = ds.classNames ?? [];
    columns.push({ name: target, type: 'category', values: Array.from(split.y, (k) => names[k] ?? String(k)) });
    frame.classColumn = target;
    if (ds.classNames) frame.classOrder = ds.classNames;
  } else {
    const dim = ds.targetDim ?? 1;
    for (let t = 0; t < dim; t++) {
      const values = new Float64Array(n);
      for (let r = 0; r < n; r++) values[r] = split.y[r * dim + t]!;
      columns.push({ name: dim > 1 ? `${target}[${t}]` : target, type: 'number', values });
    }
  }
  return frame;
}

/**
 * The frame behind an output value: a table as it is (its last column is the class when it looks
 * like a label), or a dataset split. `undefined` for other values or a split the dataset lacks.
 */
export function frameOf(value: unknown, split: string | undefined): DataFrame | undefined {
  if (isDataset(value)) return split ? splitFrame(value, split) : undefined;
  if (!isTable(value) || split) return undefined;
  const last = value.columns.at(-1);
  return {
    columns: value.columns,
    rowCount: value.rowCount,
    ...(value.rowIds ? { rowIds: value.rowIds } : {}),
    ...(last && looksCategorical(last, columnStats(last)) ? { classColumn: last.name } : {}),
  };
}
