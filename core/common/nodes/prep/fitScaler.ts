import { z } from 'zod';
import { fitNumbers, rawTextMessage, transformsFor } from '../../transforms/features';
import { transformModules } from '../../transforms/registry';
import { asNumbers } from '../../transforms/TransformModule';
import type { DatasetValue, FittedTransform } from '../../values';
import { DataError } from './DataError';
import {
  isNumericFeature,
  patchSlots,
  pickFeatures,
  trainValues,
  withStepsAdded,
  withTransforms,
} from './refitDataset';

export const scaleParams = z.object({
  columns: z.array(z.string()).default([]).describe('Feature columns; empty = every numeric feature'),
});
export type ScaleParams = z.output<typeof scaleParams>;

/**
 * Fits a scaler per numeric feature on the training split and applies it to every split. Each fit
 * reads the training rows in source-row order (see `fitNumbers`: the split's own order would read
 * the column at random; the sums differ only in float rounding); only the scaled slots of each
 * split are computed again, the rest of `x` is copied.
 */
export function fitScaler(ds: DatasetValue, params: ScaleParams, kind: 'standardize' | 'minmax'): DatasetValue {
  const node = `prep.${kind}`;
  const features = pickFeatures(ds, params.columns, (f) => isNumericFeature(f, ds.transforms), node);
  for (const f of features) {
    if (f.type === 'text') throw new DataError(`${node}: ${rawTextMessage([f.name], node)}`);
    if (!isNumericFeature(f, ds.transforms))
      throw new DataError(`${node}: column '${f.name}' is not numeric (${f.type}, or encoded)`);
  }
  const module = transformModules[kind];
  const transforms: FittedTransform[] = [...ds.transforms];
  const slots = patchSlots(
    ds,
    ds.transforms,
    features.map((f) => f.name),
  );
  if (!slots) {
    for (const f of features) transforms.push(module.fit(f.name, trainValues(ds, f.name, transforms, node), {}));
    return withTransforms(ds, transforms);
  }
  const train = ds.splits.train;
  const scratch = new Float64Array(train.n);
  for (const f of features) {
    const col = train.raw!.find((c) => c.name === f.name)!;
    const steps = transformsFor(f.name, transforms);
    const values = train.rawRows
      ? fitNumbers(col, steps, train.rawRows, scratch)
      : asNumbers(trainValues(ds, f.name, transforms, node), node, f.name);
    transforms.push(module.fit(f.name, { kind: 'number', values }, {}));
  }
  return withStepsAdded(ds, transforms, slots);
}
