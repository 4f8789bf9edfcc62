import type { DatasetSplit, DatasetValue } from '../../values';
import { DataError } from '../prep/DataError';
import { seededRandom } from '../prep/random';
import { splitIndices } from '../prep/splitTable';

/** Split shares of a tensor dataset; train takes the rest. */
export interface TensorSplitOptions {
  ratios: { validation: number; test: number };
  seed: number;
  /** Keep class proportions in every split (classification). @default true */
  stratify?: boolean;
}

/**
 * A dataset from flat samples (`n × prod(featureShape)`) and labels: class indices into
 * `classNames` (classification), or `n × targetDim` float targets (regression). Split by ratios
 * with a seeded shuffle, per class when stratified, as `prep.split` splits tables.
 */
export function tensorDataset(
  opts: TensorSplitOptions & {
    x: Float32Array;
    featureShape: number[];
    fingerprint?: string;
    featureNames?: string[];
  } & (
      | { y: Int32Array; classNames: string[] }
      | { y: Float32Array; classNames?: undefined; targetDim?: number; targetName?: string }
    ),
): DatasetValue {
  const width = opts.featureShape.reduce((a, b) => a * b, 1);
  const n = width > 0 ? opts.x.length / width : 0;
  const { validation, test } = opts.ratios;
  if (validation < 0 || test < 0 || validation + test >= 1) {
    throw new DataError(
      `split ratios: validation ${validation} + test ${test} must leave a share for training (sum below 1)`,
    );
  }
  const rows = Array.from({ length: n }, (_, i) => i);
  let groups: number[][] | undefined;
  if (opts.classNames && opts.stratify !== false) {
    groups = opts.classNames.map(() => []);
    opts.y.forEach((c, i) => groups![c]?.push(i));
  }
  const parts = splitIndices(rows, [1 - validation - test, validation, test], seededRandom(opts.seed), groups);
  const targetDim = opts.classNames ? 1 : (opts.targetDim ?? 1);
  const splits: Record<string, DatasetSplit> = {};
  (['train', 'validation', 'test'] as const).forEach((name, p) => {
    const idx = parts[p];
    if (name !== 'train' && idx.length === 0) return;
    const x = new Float32Array(idx.length * width);
    const y = opts.classNames ? new Int32Array(idx.length) : new Float32Array(idx.length * targetDim);
    idx.forEach((src, k) => {
      x.set(opts.x.subarray(src * width, (src + 1) * width), k * width);
      if (targetDim === 1) y[k] = opts.y[src]!;
      else y.set(opts.y.subarray(src * targetDim, (src + 1) * targetDim), k * targetDim);
    });
    splits[name] = { x, y, n: idx.length, rowIds: Int32Array.from(idx, (i) => i + 1) };
  });
  const ds: DatasetValue = {
    task: opts.classNames ? 'classification' : 'regression',
    featureShape: opts.featureShape,
    splits,
    transforms: [],
  };
  if (opts.classNames) ds.classNames = opts.classNames;
  else {
    ds.targetDim = targetDim;
    if (opts.targetName) ds.targetName = opts.targetName;
  }
  if (opts.featureNames) ds.featureNames = opts.featureNames;
  if (opts.fingerprint) ds.fingerprint = opts.fingerprint;
  return ds;
}
