import { z } from 'zod';
import { rawTextMessage, transformsFor } from '../../transforms/features';
import { ascending, scalarMoments, scalarMomentsMany, scalarOf, type Scalar } from '../../transforms/scalarChain';
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
  const rows = train.rawRows;
  const direct = (name: string): { chain: Scalar; values: Float64Array } | undefined => {
    const col = train.raw?.find((c) => c.name === name);
    const chain = scalarOf(transformsFor(name, transforms));
    return inOrder && rows && chain && col && !Array.isArray(col.values) ? { chain, values: col.values } : undefined;
  };
  const std = kind === 'standardize';
  if (!rows || new Set(features.map((f) => f.name)).size !== features.length) {
    // a column listed twice: each fit sees the steps fitted before it
    for (const f of features) {
      const d = direct(f.name);
      if (d && rows) transforms.push(module.fitMoments!(f.name, scalarMoments(d.chain, d.values, rows, std)));
      else transforms.push(module.fit(f.name, trainValues(ds, f.name, transforms, node), {}));
    }
    return slots ? withStepsAdded(ds, transforms, slots) : withTransforms(ds, transforms);
  }
  // the columns read straight through the index get their moments in one blocked pass (the same figures as one by one)
  const reads = features.map((f) => direct(f.name));
  const read = reads.flatMap((d) => (d ? [d] : []));
  const moments = scalarMomentsMany(
    read.map((d) => d.chain),
    read.map((d) => d.values),
    rows,
    std,
  );
  let next = 0;
  features.forEach((f, i) => {
    if (reads[i]) transforms.push(module.fitMoments!(f.name, moments[next++]));
    else transforms.push(module.fit(f.name, trainValues(ds, f.name, transforms, node), {}));
  });
  return slots ? withStepsAdded(ds, transforms, slots) : withTransforms(ds, transforms);
}
