import type { DatasetSplit, DatasetValue } from '../../common';
import { seededRandom, shuffleInPlace } from '../../common/nodes/prep/random';

export interface TrainValidation {
  train: DatasetSplit;
  validation?: DatasetSplit;
  /** Where the validation rows came from. */
  source: 'dataset' | 'holdout' | 'none';
}

function take(split: DatasetSplit, rows: Uint32Array, rowSize: number, labelSize: number): DatasetSplit {
  const x = new Float32Array(rows.length * rowSize);
  const y =
    split.y instanceof Int32Array ? new Int32Array(rows.length * labelSize) : new Float32Array(rows.length * labelSize);
  rows.forEach((r, i) => {
    x.set(split.x.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
    y.set(split.y.subarray(r * labelSize, (r + 1) * labelSize), i * labelSize);
  });
  return { x, y, n: rows.length };
}

/**
 * The training rows and the validation rows: the dataset's `validation` split when it has a
 * non-empty one, else a seeded random `fraction` of the training split held out (none when 0).
 */
export function trainValidation(data: DatasetValue, fraction: number, seed: number): TrainValidation {
  const train = data.splits.train;
  if (!train)
    throw new Error(`the dataset has no "train" split (it has ${Object.keys(data.splits).join(', ') || 'none'})`);
  const given = data.splits.validation;
  if (given && given.n > 0) return { train, validation: given, source: 'dataset' };
  const k = Math.floor(train.n * fraction);
  if (k === 0 || k >= train.n) return { train, source: 'none' };
  const rowSize = data.featureShape.reduce((a, b) => a * b, 1);
  const labelSize = train.y.length / Math.max(train.n, 1);
  const order = shuffleInPlace(
    Uint32Array.from({ length: train.n }, (_, i) => i),
    seededRandom(seed ^ 0x5eed),
  );
  const held = order.slice(0, k).sort();
  const kept = order.slice(k).sort();
  return {
    train: take(train, kept, rowSize, labelSize),
    validation: take(train, held, rowSize, labelSize),
    source: 'holdout',
  };
}
