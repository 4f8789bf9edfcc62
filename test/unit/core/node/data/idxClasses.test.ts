import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { idxParams } from '../../../../../core/common/nodes/data/idx';
import { idxExecutor } from '../../../../../core/node/executors/data/idx';
import { executorContext } from '../../../../fixtures/executorContext';

const dir = path.resolve(import.meta.dirname, '../../../../../resources/data/digits');
const labelsOf = (file: string): Uint8Array => gunzipSync(readFileSync(path.join(dir, file))).subarray(8);

const run = async (p: Record<string, unknown>): Promise<DatasetValue> =>
  (
    await idxExecutor(
      executorContext(
        idxParams.parse({
          images: 'train-images-idx3-ubyte.gz',
          labels: 'train-labels-idx1-ubyte.gz',
          testImages: 't10k-images-idx3-ubyte.gz',
          testLabels: 't10k-labels-idx1-ubyte.gz',
          validation: 0,
          ...p,
        }),
        { dir, nodeId: 'digits' },
      ),
    )
  ).outputs.dataset as DatasetValue;

describe('data.idx classes and perClass', () => {
  it('keeps the listed labels in train and test, and caps the training rows per class', async () => {
    const d = await run({ classes: [5, 6, 7, 8, 9], perClass: 50 });
    expect(d.classNames).toEqual(['5', '6', '7', '8', '9']);
    expect(d.splits.train.n).toBe(250);
    expect(Array.from({ length: 5 }, (_, k) => d.splits.train.y.filter((c) => c === k).length)).toEqual([
      50, 50, 50, 50, 50,
    ]);
    const testLabels = labelsOf('t10k-labels-idx1-ubyte.gz');
    const want = Array.from(testLabels).filter((l) => l >= 5);
    expect(d.splits.test.n).toBe(want.length);
    expect(Array.from(d.splits.test.y, (c) => c + 5)).toEqual(want);
  });

  it('classes alone keeps every row of those classes', async () => {
    const d = await run({ classes: [0, 1, 2, 3, 4] });
    const trainLabels = labelsOf('train-labels-idx1-ubyte.gz');
    expect(d.splits.train.n).toBe(Array.from(trainLabels).filter((l) => l < 5).length);
  });

  it('a class the file does not have is named', async () => {
    await expect(run({ classes: [3, 12] })).rejects.toThrow(/no rows with label 12/);
  });
});
