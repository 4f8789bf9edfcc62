import { assembleSplitFeatures, chainValues, featureNames, transformsFor } from '../../transforms/features';
import type { ColumnValues } from '../../transforms/TransformModule';
import type { DatasetValue, FittedTransform, RawFeature, TableColumn } from '../../values';
import { DataError } from './DataError';

const NUMERIC = new Set(['integer', 'number', 'boolean', 'date']);
const ENCODERS = new Set(['onehot', 'ordinal']);

/**
 * The train split's raw columns (shared: index them through the split's `rawRows`), or a DataError
 * for datasets without them (images, tensors).
 */
export function trainRaw(dataset: DatasetValue, node: string): TableColumn[] {
  const raw = dataset.splits.train?.raw;
  if (!raw || !dataset.rawFeatures)
    throw new DataError(`${node} needs a tabular dataset (from prep.split); this one has no raw columns`);
  return raw;
}

/** Raw features a node acts on: the listed ones (checked), else those `fits` accepts. */
export function pickFeatures(
  dataset: DatasetValue,
  listed: readonly string[],
  fits: (f: RawFeature) => boolean,
  node: string,
): RawFeature[] {
  const all = dataset.rawFeatures ?? [];
  if (!listed.length) return all.filter(fits);
  return listed.map((name) => {
    const f = all.find((r) => r.name === name);
    if (!f)
      throw new DataError(
        `${node}: column '${name}' is not a feature; features are ${all.map((r) => r.name).join(', ')}`,
      );
    return f;
  });
}

/** Whether a feature is a number after its current transforms (not one-hot or ordinal encoded, not a category). */
export function isNumericFeature(f: RawFeature, transforms: readonly FittedTransform[]): boolean {
  return NUMERIC.has(f.type) && !transformsFor(f.name, transforms).some((t) => ENCODERS.has(t.kind));
}

/** The train values of one feature after its current transforms. */
export function trainValues(
  dataset: DatasetValue,
  column: string,
  transforms: readonly FittedTransform[],
  node: string,
): ColumnValues {
  const col = trainRaw(dataset, node).find((c) => c.name === column);
  if (!col) throw new DataError(`${node}: the training split has no raw column '${column}'`);
  const train = dataset.splits.train;
  return chainValues(col, transformsFor(column, transforms), train.n, train.rawRows);
}

/**
 * Rebuilds every split's `x` from its raw columns with new transforms (fitted on train by the
 * caller); everything else of the splits (raw columns, index, labels, row ids) is shared, not copied.
 */
export function withTransforms(dataset: DatasetValue, transforms: FittedTransform[]): DatasetValue {
  const rawFeatures = dataset.rawFeatures ?? [];
  const splits = Object.fromEntries(
    Object.entries(dataset.splits).map(([name, s]) => {
      const { sparse: _old, ...rest } = s;
      return [name, { ...rest, ...assembleSplitFeatures(s.raw ?? [], rawFeatures, transforms, s.n, s.rawRows) }];
    }),
  );
  const names = featureNames(rawFeatures, transforms);
  return { ...dataset, splits, transforms, featureNames: names, featureShape: [names.length] };
}
