import { z } from 'zod';
import type { DatasetValue, FittedTransform } from '../../values';
import { DataError } from './DataError';
import { isNumericFeature, moments, pickFeatures, trainValues, withTransforms } from './refitDataset';

export const scaleParams = z.object({
  columns: z.array(z.string()).default([]).describe('Feature columns; empty = every numeric feature'),
});
export type ScaleParams = z.output<typeof scaleParams>;

/** Fits a scaler per numeric feature on the training split and applies it to every split. */
export function fitScaler(ds: DatasetValue, params: ScaleParams, kind: 'standardize' | 'minmax'): DatasetValue {
  const node = `prep.${kind}`;
  const features = pickFeatures(ds, params.columns, (f) => isNumericFeature(f, ds.transforms), node);
  const transforms: FittedTransform[] = [...ds.transforms];
  for (const f of features) {
    if (!isNumericFeature(f, ds.transforms))
      throw new DataError(`${node}: column '${f.name}' is not numeric (${f.type}, or encoded)`);
    const m = moments(trainValues(ds, f.name, transforms, node));
    transforms.push(
      kind === 'standardize'
        ? { kind, column: f.name, mean: m.mean, std: m.std }
        : { kind, column: f.name, min: m.min, max: m.max },
    );
  }
  return withTransforms(ds, transforms);
}
