import { z } from 'zod';
import { rawTextMessage } from '../../transforms/features';
import { moduleOf, transformModules } from '../../transforms/registry';
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
 * Fits a scaler per numeric feature on the training split and applies it to every split. The
 * training values each fit reads are scaled in place and written into the new `x`; only the scaled
 * slots of the other splits are computed again, the rest of `x` is copied.
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
  const width = train.n ? train.x.length / train.n : 0;
  const x = train.x.slice();
  for (const f of features) {
    const v = trainValues(ds, f.name, transforms, node);
    const t: FittedTransform = module.fit(f.name, v, {});
    transforms.push(t);
    const values = asNumbers(v, node, f.name);
    moduleOf(t).applyNumbers!(t, values, values);
    for (let i = 0, at = slots.get(f.name)!; i < values.length; i++, at += width) x[at] = values[i];
  }
  return withStepsAdded(ds, transforms, slots, x);
}
