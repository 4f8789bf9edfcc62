import { z } from 'zod';
import type { DatasetValue, FittedTransform } from '../../values';
import { pickFeatures, trainRaw, withTransforms } from './refitDataset';

const columns = z.array(z.string()).default([]).describe('Feature columns; empty = every category column');

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

/** Fits one encoder per column on the training split, replacing that column's previous encoder. */
export function fitEncoder(
  ds: DatasetValue,
  kind: 'onehot' | 'ordinal',
  p: z.output<typeof onehotParams> | z.output<typeof ordinalParams>,
): DatasetValue {
  const node = `prep.${kind}`;
  const raw = trainRaw(ds, node);
  const features = pickFeatures(ds, p.columns, (f) => f.type === 'category' || f.type === 'text', node);
  let transforms: FittedTransform[] = [...ds.transforms];
  for (const f of features) {
    const col = raw.find((c) => c.name === f.name)!;
    const imp = transforms.find((t) => t.kind === 'impute' && t.column === f.name);
    const imputed = imp?.kind === 'impute' ? imp : undefined;
    const cats = new Set<string>();
    for (const v of col.values) {
      const c = v === null || (typeof v === 'number' && v !== v) ? imputed?.value : v;
      if (c !== undefined && c !== null) cats.add(String(c));
    }
    const categories = [...cats].sort();
    transforms = transforms.filter(
      (t) =>
        !(
          t.column === f.name &&
          (t.kind === 'onehot' || t.kind === 'ordinal' || t.kind === 'standardize' || t.kind === 'minmax')
        ),
    );
    transforms.push(
      kind === 'onehot'
        ? { kind, column: f.name, categories, unknown: (p as z.output<typeof onehotParams>).unknown }
        : { kind, column: f.name, categories, unknown: (p as z.output<typeof ordinalParams>).unknown },
    );
  }
  return withTransforms(ds, transforms);
}
