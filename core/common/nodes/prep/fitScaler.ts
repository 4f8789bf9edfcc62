import { z } from 'zod';
import { rawTextMessage, transformsFor } from '../../transforms/features';
import { ascending, scalarMoments, scalarOf } from '../../transforms/scalarChain';
import { transformModules } from '../../transforms/registry';
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
 * reads the training rows through the column's earlier steps in source-row order, without a copy
 * (see `scalarMoments`; min-max skips its second pass). Each split's `x` is written on first read:
 * from the previous `x` with only the scaled slots computed again when that one was written, else
 * from the raw columns.
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
  const train = ds.splits.train;
  // without a patch the fit used to read a gathered copy: keep its summation order (the index's)
  const inOrder = slots !== undefined || (train.rawRows !== undefined && ascending(train.rawRows));
  for (const f of features) {
    const col = train.raw?.find((c) => c.name === f.name);
    const chain = scalarOf(transformsFor(f.name, transforms));
    if (inOrder && train.rawRows && chain && col && !Array.isArray(col.values))
      transforms.push(
        module.fitMoments!(f.name, scalarMoments(chain, col.values, train.rawRows, kind === 'standardize')),
      );
    else transforms.push(module.fit(f.name, trainValues(ds, f.name, transforms, node), {}));
  }
  return slots ? withStepsAdded(ds, transforms, slots) : withTransforms(ds, transforms);
}
