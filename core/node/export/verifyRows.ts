/**
 * Held-out rows for checking an export: raw columns plus the in-app features `x` (and labels when
 * known). From a Dataset split when one is connected; otherwise synthetic rows drawn around the
 * fitted transforms' statistics and assembled by the app's own feature assembly.
 */
import type { DatasetValue, FittedTransform, TableColumn, TrainedModelValue } from '../../common';
import { assembleFeatures } from '../../common/transforms/features';
import { seededRandom } from '../../common/nodes/prep/random';
import { readRows, takeRows } from '../data/splitRows';

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
  const row = split.x.length / split.n;
  const targetWidth = split.y.length / split.n;
  return {
    n,
    x: split.x.slice(0, n * row),
    ...(split.raw ? { raw: split.raw.map((c) => sliceColumn(c, n)) } : {}),
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
 * Synthetic rows: numeric columns around their fitted mean/std or min/max (a tenth missing where
 * an imputer was fitted), categorical columns from their fitted categories plus unseen and missing
 * values. Features come from `assembleFeatures`, the app's own path from raw values to `x`.
 */
export function syntheticRows(model: TrainedModelValue, n: number, seed = 7): VerifyRows {
  const rand = seededRandom(seed);
  const rowSize = model.featureShape.reduce((a, b) => a * b, 1);
  const raw = model.rawFeatures ?? [];
  if (!raw.length)
    return { n, x: Float32Array.from({ length: n * rowSize }, () => rand()), source: `${n} synthetic rows` };
  const of = (col: string): FittedTransform[] => model.transforms.filter((t) => t.column === col);
  const columns: TableColumn[] = raw.map((f) => {
    const ts = of(f.name);
    const missing = ts.some((t) => t.kind === 'impute');
    const enc = ts.find((t) => t.kind === 'onehot' || t.kind === 'ordinal');
    const cats = enc && (enc.kind === 'onehot' || enc.kind === 'ordinal') ? enc.categories : [];
    if (f.type === 'category' || f.type === 'text') {
      const values = Array.from({ length: n }, (_, i) => {
        const r = rand();
        if (i % 10 === 9) return null;
        if (i % 10 === 8) return `unseen-${i}`;
        return cats[Math.floor(r * cats.length)] ?? null;
      });
      return { name: f.name, type: f.type, values };
    }
    const std = ts.find((t) => t.kind === 'standardize');
    const mm = ts.find((t) => t.kind === 'minmax');
    const [lo, hi] =
      std && std.kind === 'standardize'
        ? [std.mean - 2 * std.std, std.mean + 2 * std.std]
        : mm && mm.kind === 'minmax'
          ? [mm.min, mm.max]
          : [-1, 1];
    const values = Float64Array.from({ length: n }, (_, i) => {
      if (missing && i % 10 === 9) return NaN;
      if (cats.length) return Number(cats[Math.floor(rand() * cats.length)]);
      return lo + (hi - lo) * rand();
    });
    return { name: f.name, type: f.type as 'number', values };
  });
  return { n, x: assembleFeatures(columns, raw, model.transforms, n), raw: columns, source: `${n} synthetic raw rows` };
}
