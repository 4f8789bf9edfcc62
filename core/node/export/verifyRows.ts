/**
 * Held-out rows for checking an export: raw columns plus the in-app features `x` (and labels when
 * known). From a Dataset split when one is connected; otherwise synthetic rows drawn around the
 * fitted transforms' check hints and assembled by the app's own feature assembly.
 */
import type { DatasetValue, TableColumn, TrainedModelValue } from '../../common';
import { checkColumns } from '../../common/transforms/checkRows';
import { assembleFeatures } from '../../common/transforms/features';
import { seededRandom } from '../../common/nodes/prep/random';
import { readRows, takeRows } from '../data/splitRows';
import { densifyRows } from '../../common/sparse';
import { rawColumnsRange } from '../../common/splitRaw';

export interface VerifyRows {
  n: number;
  /** In-app features, `n × prod(featureShape)`. */
  x: Float32Array;
  raw?: TableColumn[];
  y?: Int32Array | Float32Array;
  /** Where the rows came from, for the summary. */
  source: string;
}

function sliceColumn(c: TableColumn, n: number): TableColumn {
  return c.values instanceof Float64Array
    ? ({ name: c.name, type: c.type, values: c.values.slice(0, n) } as TableColumn)
    : ({ name: c.name, type: c.type, values: c.values.slice(0, n) } as TableColumn);
}

/** The first `limit` rows of the first split present among `prefer`. */
export function rowsFromDataset(data: DatasetValue, limit: number, prefer: string[]): VerifyRows | undefined {
  const name = prefer.find((s) => (data.splits[s]?.n ?? 0) > 0);
  const split = name ? data.splits[name] : undefined;
  if (!name || !split) return undefined;
  const n = Math.min(limit, split.n);
  const row = split.sparse ? split.sparse.cols : split.x.length / split.n;
  const targetWidth = split.y.length / split.n;
  return {
    n,
    x: split.sparse ? densifyRows(split.sparse, 0, n) : split.x.slice(0, n * row),
    ...(split.raw ? { raw: rawColumnsRange(split, 0, n)!.map((c) => sliceColumn(c, n)) } : {}),
    y: split.y.slice(0, n * targetWidth),
    source: `${n} rows of the ${name} split`,
  };
}

/**
 * `rowsFromDataset` for any dataset: of a lazy split, only the first `limit` rows are decoded.
 */
export async function loadRowsFromDataset(
  data: DatasetValue,
  limit: number,
  prefer: string[],
): Promise<VerifyRows | undefined> {
  const name = prefer.find((s) => (data.splits[s]?.n ?? 0) > 0);
  const split = name ? data.splits[name] : undefined;
  if (!name || !split?.lazy) return rowsFromDataset(data, limit, prefer);
  const n = Math.min(limit, split.n);
  const head = takeRows(
    split,
    Uint32Array.from({ length: n }, (_, i) => i),
    split.y.length / split.n,
  );
  const x = await readRows(head, 0, n);
  return rowsFromDataset({ ...data, splits: { [name]: { x, y: head.y, n } } }, limit, [name]);
}

/**
 * Synthetic rows: each raw column drawn from what its fitted transforms' modules ask to be checked
 * (core/common/transforms/checkRows.ts). Features come from `assembleFeatures`, the app's own path
 * from raw values to `x`.
 */
export function syntheticRows(model: TrainedModelValue, n: number, seed = 7): VerifyRows {
  const rand = seededRandom(seed);
  const rowSize = model.featureShape.reduce((a, b) => a * b, 1);
  const raw = model.rawFeatures ?? [];
  if (!raw.length)
    return { n, x: Float32Array.from({ length: n * rowSize }, () => rand()), source: `${n} synthetic rows` };
  const columns = checkColumns(raw, model.transforms, n, rand);
  return { n, x: assembleFeatures(columns, raw, model.transforms, n), raw: columns, source: `${n} synthetic raw rows` };
}
