import { baseName } from '../../metrics/splitLabel';
import type { DatasetSplit, DatasetValue } from '../../values';
import { DataError } from '../prep/DataError';

/** The two sources a reader's dataset came from, for messages: training file or folder, then test. */
export interface SourcePair {
  train: string;
  test: string;
}

/**
 * Maps a test source's class indices (into `testClasses`) onto the training classes. A class only
 * in the test source is refused, naming both sources; a training class absent from the test
 * source is fine.
 */
export function remapTestClasses(
  trainClasses: readonly string[],
  testClasses: readonly string[],
  testY: ArrayLike<number>,
  sources: SourcePair,
): Int32Array {
  const index = new Map(trainClasses.map((c, k) => [c, k]));
  const counts = new Map<string, number>();
  const y = Int32Array.from(testY, (t) => {
    const name = testClasses[t];
    const k = index.get(name);
    if (k === undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
    return k ?? -1;
  });
  if (counts.size) {
    const list = [...counts].map(([c, n]) => `${JSON.stringify(c)} (${n} samples)`).join(', ');
    throw new DataError(
      `the test source ${sources.test} has classes the training source ${sources.train} lacks: ${list}; ` +
        `training classes are ${trainClasses.map((c) => JSON.stringify(c)).join(', ')}`,
    );
  }
  return y;
}

/** Refuses a test source whose per-sample shape or element type differs from the training source's. */
export function checkSameSamples(
  train: { shape: readonly number[]; dtype: string },
  test: { shape: readonly number[]; dtype: string },
  sources: SourcePair,
): void {
  if (train.shape.join('x') !== test.shape.join('x')) {
    throw new DataError(
      `samples are [${train.shape.join(', ')}] in the training source ${sources.train} but [${test.shape.join(', ')}] in the test source ${sources.test}; both need the same size`,
    );
  }
  if (train.dtype !== test.dtype) {
    throw new DataError(
      `samples are ${train.dtype} in the training source ${sources.train} but ${test.dtype} in the test source ${sources.test}; both need the same type`,
    );
  }
}

/** Rows 1..n of a test source as the `test` split, labelled with its file name. */
export function testSplitOf(rows: Omit<DatasetSplit, 'source' | 'rowIds'>, file: string): DatasetSplit {
  return { ...rows, source: baseName(file), rowIds: Int32Array.from({ length: rows.n }, (_, i) => i + 1) };
}

/** The dataset with its `test` split replaced by rows of a source of their own. */
export function withTestSplit(dataset: DatasetValue, test: DatasetSplit, testFingerprint?: string): DatasetValue {
  const fingerprint =
    dataset.fingerprint && testFingerprint ? `${dataset.fingerprint}+${testFingerprint}` : dataset.fingerprint;
  return {
    ...dataset,
    splits: { ...dataset.splits, test },
    ...(fingerprint ? { fingerprint } : {}),
  };
}
