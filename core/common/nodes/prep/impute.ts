import { z } from 'zod';
import type { DatasetValue, FittedTransform, TableColumn } from '../../values';
import { defineNode } from '../NodeDefinition';
import { DataError } from './DataError';
import { pickFeatures, trainRaw, withTransforms } from './refitDataset';

export const imputeParams = z.object({
  columns: z.array(z.string()).default([]).describe('Feature columns; empty = every feature with missing values'),
  strategy: z.enum(['mean', 'median', 'most_frequent', 'constant']).default('mean'),
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

function present(col: TableColumn): (number | string)[] {
  const out: (number | string)[] = [];
  for (const v of col.values) if (v !== null && !(typeof v === 'number' && v !== v)) out.push(v);
  return out;
}

function hasMissing(ds: DatasetValue, name: string): boolean {
  return Object.values(ds.splits).some((s) =>
    s.raw?.find((c) => c.name === name)?.values.some((v) => v === null || (typeof v === 'number' && v !== v)),
  );
}

/** The statistic of one column's training values. */
function statistic(values: (number | string)[], numeric: boolean, p: ImputeParams, column: string): number | string {
  if (p.strategy === 'constant') {
    if (!numeric) return p.fillValue;
    const x = Number(p.fillValue);
    if (p.fillValue.trim() === '' || !Number.isFinite(x))
      throw new DataError(`prep.impute: fillValue '${p.fillValue}' is not a number, but column '${column}' is numeric`);
    return x;
  }
  if (values.length === 0) throw new DataError(`prep.impute: column '${column}' has no values in the training split`);
  if (p.strategy === 'most_frequent') {
    const counts = new Map<number | string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    let best: number | string = values[0];
    let bestCount = 0;
    for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) [best, bestCount] = [v, c];
    return best;
  }
  if (!numeric)
    throw new DataError(
      `prep.impute: strategy ${p.strategy} needs a numeric column; '${column}' holds categories (use most_frequent or constant)`,
    );
  const nums = (values as number[]).slice().sort((a, b) => a - b);
  if (p.strategy === 'mean') return nums.reduce((a, b) => a + b, 0) / nums.length;
  const mid = nums.length >> 1;
  return nums.length % 2 ? nums[mid] : (nums[mid - 1] + nums[mid]) / 2;
}

/** Fits imputers on the training split; each goes first in its column's transforms, replacing an earlier one. */
export function fitImputer(ds: DatasetValue, p: ImputeParams): DatasetValue {
  const raw = trainRaw(ds, 'prep.impute');
  const features = pickFeatures(ds, p.columns, (f) => hasMissing(ds, f.name), 'prep.impute');
  let transforms: FittedTransform[] = [...ds.transforms];
  for (const f of features) {
    const col = raw.find((c) => c.name === f.name)!;
    const value = statistic(present(col), !Array.isArray(col.values), p, f.name);
    transforms = transforms.filter((t) => !(t.kind === 'impute' && t.column === f.name));
    const first = transforms.findIndex((t) => t.column === f.name);
    const imp: FittedTransform = { kind: 'impute', column: f.name, strategy: p.strategy, value };
    transforms.splice(first === -1 ? transforms.length : first, 0, imp);
  }
  return withTransforms(ds, transforms);
}
