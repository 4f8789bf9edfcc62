import type { DatasetSplit, DatasetValue } from '../../values';
import { seededRandom, shuffleInPlace } from '../prep/random';

/**
 * A classification dataset from flat samples (`n × prod(featureShape)`) and class indices,
 * split by ratios per class (stratified) with a seeded shuffle.
 */
export function tensorDataset(opts: {
  x: Float32Array;
  y: Int32Array;
  featureShape: number[];
  classNames: string[];
  ratios: { validation: number; test: number };
  seed: number;
  fingerprint?: string;
}): DatasetValue {
  const width = opts.featureShape.reduce((a, b) => a * b, 1);
  const random = seededRandom(opts.seed);
  const byClass = opts.classNames.map(() => [] as number[]);
  opts.y.forEach((c, i) => byClass[c]?.push(i));
  const parts: Record<'train' | 'validation' | 'test', number[]> = { train: [], validation: [], test: [] };
  for (const idx of byClass) {
    shuffleInPlace(idx, random);
    const nt = Math.round(idx.length * opts.ratios.test);
    const nv = Math.round(idx.length * opts.ratios.validation);
    parts.test.push(...idx.slice(0, nt));
    parts.validation.push(...idx.slice(nt, nt + nv));
    parts.train.push(...idx.slice(nt + nv));
  }
  const splits: Record<string, DatasetSplit> = {};
  for (const [name, idx] of Object.entries(parts)) {
    if (name !== 'train' && idx.length === 0) continue;
    shuffleInPlace(idx, random);
    const x = new Float32Array(idx.length * width);
    const y = new Int32Array(idx.length);
    idx.forEach((src, k) => {
      x.set(opts.x.subarray(src * width, (src + 1) * width), k * width);
      y[k] = opts.y[src]!;
    });
    splits[name] = { x, y, n: idx.length };
  }
  const ds: DatasetValue = { task: 'classification', featureShape: opts.featureShape, classNames: opts.classNames, splits, transforms: [] };
  if (opts.fingerprint) ds.fingerprint = opts.fingerprint;
  return ds;
}
