import { deferFeatures, pendingBytes, splitFields, withFields } from '../../deferFeatures';
import {
  assembleSplitFeatures,
  chainValues,
  deferredFeatures,
  featureNames,
  featureSlots,
  fusable,
  rewriteColumns,
  transformsFor,
} from '../../transforms/features';
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
 * caller), on first read where it can (`deferredFeatures`); everything else of the splits (raw
 * columns, index, labels, row ids) is shared, not copied.
 */
export function withTransforms(dataset: DatasetValue, transforms: FittedTransform[]): DatasetValue {
  const rawFeatures = dataset.rawFeatures ?? [];
  const splits = Object.fromEntries(
    Object.entries(dataset.splits).map(([name, s]) => {
      const rest = splitFields(s);
      const raw = s.raw ?? [];
      const later = deferredFeatures(raw, rawFeatures, transforms, s.n, s.rawRows);
      if (later) return [name, deferFeatures(rest, later.bytes, later.build, later.rows)];
      return [name, { ...rest, ...assembleSplitFeatures(raw, rawFeatures, transforms, s.n, s.rawRows) }];
    }),
  );
  const names = featureNames(rawFeatures, transforms);
  return withFields(dataset, { splits, transforms, featureNames: names, featureShape: [names.length] });
}

/**
 * Where `withStepsAdded` can patch `x` instead of rebuilding it: each changed column's slot, when
 * every split is dense and in memory with its `x` written (not deferred), the slots keep their layout, and each changed column is a
 * single-slot numeric one whose new steps are all elementwise; else undefined.
 */
export function patchSlots(
  dataset: DatasetValue,
  transforms: readonly FittedTransform[],
  changed: readonly string[],
): Map<string, number> | undefined {
  const rawFeatures = dataset.rawFeatures ?? [];
  const before = featureSlots(rawFeatures, dataset.transforms);
  const after = featureSlots(rawFeatures, transforms);
  const width = (dataset.featureShape ?? []).reduce((a, b) => a * b, 1);
  for (const s of Object.values(dataset.splits))
    if (s.sparse || s.lazy || !s.raw || pendingBytes(s) !== undefined || s.x.length !== s.n * width) return undefined;
  for (const [name, slot] of after) {
    const old = before.get(name);
    if (!old || old.offset !== slot.offset || old.width !== slot.width) return undefined;
  }
  const raw = dataset.splits.train.raw!;
  const out = new Map<string, number>();
  for (const name of changed) {
    const col = raw.find((c) => c.name === name);
    const slot = after.get(name);
    if (!col || !slot || slot.width !== 1 || !fusable(col, transformsFor(name, transforms))) return undefined;
    out.set(name, slot.offset);
  }
  return out;
}

/**
 * The dataset with `transforms`, where only the columns `slots` names gained steps: their slots are
 * written again from their raw values on first read of `x`, every other slot of `x` and everything
 * else of the splits is kept as it is.
 */
export function withStepsAdded(
  dataset: DatasetValue,
  transforms: FittedTransform[],
  slots: ReadonlyMap<string, number>,
): DatasetValue {
  const width = (dataset.featureShape ?? []).reduce((a, b) => a * b, 1);
  const splits = Object.fromEntries(
    Object.entries(dataset.splits).map(([name, s]) => {
      const cols = [...slots].map(([column, offset]) => ({
        offset,
        values: s.raw!.find((c) => c.name === column)!.values as Float64Array,
        steps: transformsFor(column, transforms),
      }));
      const x = s.x;
      return [name, deferFeatures(splitFields(s), x.length * 4, () => rewriteColumns(x, s.n, width, cols, s.rawRows))];
    }),
  );
  return withFields(dataset, { splits, transforms });
}
