import type { DatasetSplit, DatasetValue } from '../../common';
import { seededRandom, shuffleInPlace } from '../../common/nodes/prep/random';
import { takeRows } from '../data/splitRows';

export interface TrainValidation {
  train: DatasetSplit;
  validation?: DatasetSplit;
  /** Where the validation rows came from. */
  source: 'dataset' | 'holdout' | 'none';
}

/**
 * The training rows and the validation rows: the dataset's `validation` split when it has a
 * non-empty one, else a seeded random `fraction` of the training split held out (none when 0).
 * A lazy training split gives lazy parts (the held-out files are split off, nothing is decoded).
 */
export function trainValidation(data: DatasetValue, fraction: number, seed: number): TrainValidation {
  const train = data.splits.train;
  if (!train)
    throw new Error(`the dataset has no "train" split (it has ${Object.keys(data.splits).join(', ') || 'none'})`);
  const given = data.splits.validation;
  if (given && given.n > 0) return { train, validation: given, source: 'dataset' };
  const k = Math.floor(train.n * fraction);
  if (k === 0 || k >= train.n) return { train, source: 'none' };
  const labelSize = train.y.length / Math.max(train.n, 1);
  const order = shuffleInPlace(
    Uint32Array.from({ length: train.n }, (_, i) => i),
    seededRandom(seed ^ 0x5eed),
  );
  const held = order.slice(0, k).sort();
  const kept = order.slice(k).sort();
  return {
    train: takeRows(train, kept, labelSize),
    validation: takeRows(train, held, labelSize),
    source: 'holdout',
  };
}
