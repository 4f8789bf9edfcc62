import { z } from 'zod';
import { rawTextMessage } from '../../transforms/features';
import { transformModules } from '../../transforms/registry';
import type { DatasetValue, FittedTransform } from '../../values';
import { DataError } from './DataError';
import { isNumericFeature, pickFeatures, trainValues, withTransforms } from './refitDataset';

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
    if (f.type === 'text') throw new DataError(`${node}: ${rawTextMessage([f.name], node)}`);
    if (!isNumericFeature(f, ds.transforms))
      throw new DataError(`${node}: column '${f.name}' is not numeric (${f.type}, or encoded)`);
    transforms.push(transformModules[kind].fit(f.name, trainValues(ds, f.name, transforms, node), {}));
  }
  return withTransforms(ds, transforms);
}
