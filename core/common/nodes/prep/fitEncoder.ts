import { z } from 'zod';
import { rawTextMessage } from '../../transforms/features';
import type { DatasetValue, FittedTransform } from '../../values';
import { categoriesOf, onehot } from '../../transforms/onehot';
import { ordinal } from '../../transforms/ordinal';
import { DataError } from './DataError';
import { pickFeatures, trainRaw, trainValues, withTransforms } from './refitDataset';

const REPLACED = new Set(['onehot', 'ordinal', 'standardize', 'minmax']);

const columns = z
  .array(z.string())
  .default([])
  .describe('Feature columns; empty = every category column (free-text columns are for prep.tfidf or prep.tokenize)');

export const onehotParams = z.object({
  columns,
  unknown: z
    .enum(['ignore', 'error'])
    .default('ignore')
    .describe('A category unseen in training: all zeros (ignore) or an error'),
});
export const ordinalParams = z.object({
  columns,
  unknown: z.number().int().default(-1).describe('Code for a category unseen in training'),
});

/** Ports of the dataset → dataset preprocessing nodes. */
export const datasetIo = {
  inputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
} as const;

/**
 * Fits one encoder per column on the training split, replacing that column's previous encoder and scaler.
 * Free-text columns are not categories: left out by default, and refused when listed.
 */
export function fitEncoder(
  ds: DatasetValue,
  kind: 'onehot' | 'ordinal',
  p: z.output<typeof onehotParams> | z.output<typeof ordinalParams>,
): DatasetValue {
  const node = `prep.${kind}`;
  trainRaw(ds, node);
  const features = pickFeatures(ds, p.columns, (f) => f.type === 'category', node);
  let transforms: FittedTransform[] = [...ds.transforms];
  for (const f of features) {
    if (f.type === 'text')
      throw new DataError(
        `${node}: ${rawTextMessage([f.name], `${kind === 'onehot' ? 'one-hot' : 'ordinal'} encoding`)}; ` +
          `to encode it as categories anyway, set its type to category in data.csv's types`,
      );
    transforms = transforms.filter((t) => !(t.column === f.name && REPLACED.has(t.kind)));
    const col = ds.splits.train.raw?.find((c) => c.name === f.name);
    const rows = ds.splits.train.rawRows;
    // a column without earlier steps: its categories straight from the shared column (codes, no copy)
    if (col && rows && Array.isArray(col.values) && !transforms.some((t) => t.column === f.name)) {
      const categories = categoriesOf(col.values, rows);
      transforms.push(
        kind === 'onehot'
          ? { kind, column: f.name, categories, unknown: (p as z.output<typeof onehotParams>).unknown }
          : { kind, column: f.name, categories, unknown: (p as z.output<typeof ordinalParams>).unknown },
      );
      continue;
    }
    const train = trainValues(ds, f.name, transforms, node);
    transforms.push(
      kind === 'onehot'
        ? onehot.fit(f.name, train, { unknown: (p as z.output<typeof onehotParams>).unknown })
        : ordinal.fit(f.name, train, { unknown: (p as z.output<typeof ordinalParams>).unknown }),
    );
  }
  return withTransforms(ds, transforms);
}
