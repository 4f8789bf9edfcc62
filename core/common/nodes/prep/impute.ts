import { z } from 'zod';
import { columnValues } from '../../transforms/features';
import { BUCKETED_ROWS, rawHasMissing } from '../../splitRaw';
import { impute, type Impute } from '../../transforms/impute';
import { ascending, IDENTITY, scalarMomentsMany } from '../../transforms/scalarChain';
import type { DatasetValue, FittedTransform, TableColumn } from '../../values';
import { defineNode } from '../NodeDefinition';
import { DataError } from './DataError';
import { pickFeatures, trainRaw, withTransforms } from './refitDataset';

export const imputeParams = z.object({
  columns: z
    .array(z.string())
    .default([])
    .describe(
      'Feature columns; empty = every feature with missing values but free text (prep.tfidf and prep.tokenize read a missing text as an empty one)',
    ),
  strategy: z
    .enum(['mean', 'median', 'most_frequent', 'constant'])
    .default('mean')
    .describe("Fill with the training split's mean, median or most frequent value, or with fillValue"),
  fillValue: z.string().default('0').describe('Value for the constant strategy (a number for numeric columns)'),
});
export type ImputeParams = z.output<typeof imputeParams>;

export const imputeNode = defineNode({
  type: 'prep.impute',
  version: 1,
  title: 'Impute Missing',
  category: 'Preprocess',
  doc: 'Fills missing values with the mean, median or most frequent value of the training split, or a constant. Replaces the default mean imputation of prep.split for these columns.',
  keywords: ['missing', 'fill', 'NaN', 'null', 'SimpleImputer'],
  inputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  params: imputeParams,
});

function hasMissing(ds: DatasetValue, name: string): boolean {
  return Object.values(ds.splits).some((s) => rawHasMissing(s, name));
}

/**
 * The mean imputers of numeric columns read through an index in its own order (the order a copy
 * of the rows would be summed in), without the copy, summed together (`scalarMomentsMany`: the same
 * sums as column by column); a column's entry is undefined for any other case.
 */
function meansOf(cols: readonly TableColumn[], rows: Int32Array | undefined, p: ImputeParams): (Impute | undefined)[] {
  const none = cols.map(() => undefined);
  if (p.strategy !== 'mean' || !rows) return none;
  if (rows.length >= BUCKETED_ROWS && !ascending(rows)) return none;
  const numeric = cols.filter((c) => !Array.isArray(c.values));
  const moments = scalarMomentsMany(
    numeric.map(() => IDENTITY),
    numeric.map((c) => c.values as Float64Array),
    rows,
    false,
  );
  const byName = new Map(numeric.map((c, i) => [c.name, moments[i]]));
  return cols.map((c) => {
    const m = byName.get(c.name);
    return m && m.n > 0 ? { kind: 'impute', column: c.name, strategy: 'mean', value: m.mean } : undefined;
  });
}

/** Fits imputers on the training split; each goes first in its column's transforms, replacing an earlier one. */
export function fitImputer(ds: DatasetValue, p: ImputeParams): DatasetValue {
  const raw = trainRaw(ds, 'prep.impute');
  const features = pickFeatures(ds, p.columns, (f) => f.type !== 'text' && hasMissing(ds, f.name), 'prep.impute');
  let transforms: FittedTransform[] = [...ds.transforms];
  const cols = features.map((f) => raw.find((c) => c.name === f.name)!);
  const means = meansOf(cols, ds.splits.train.rawRows, p);
  for (const [i, f] of features.entries()) {
    if (f.type === 'text' && (p.strategy === 'mean' || p.strategy === 'median'))
      throw new DataError(
        `prep.impute: column '${f.name}' holds free text, which has no ${p.strategy}: use most_frequent or constant, ` +
          'or leave it out (prep.tfidf and prep.tokenize read a missing text as an empty one)',
      );
    const col = cols[i];
    const imp = means[i] ?? impute.fit(f.name, columnValues(col, ds.splits.train.n, ds.splits.train.rawRows), p);
    transforms = transforms.filter((t) => !(t.kind === 'impute' && t.column === f.name));
    const first = transforms.findIndex((t) => t.column === f.name);
    transforms.splice(first === -1 ? transforms.length : first, 0, imp);
  }
  return withTransforms(ds, transforms);
}
