import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetValue, TableValue } from '../../../../../core/common';
import { csvNode } from '../../../../../core/common/nodes/data/csv';
import { idxParams } from '../../../../../core/common/nodes/data/idx';
import { imagesParams } from '../../../../../core/common/nodes/data/images';
import { jsonNode } from '../../../../../core/common/nodes/data/json';
import { npyParams } from '../../../../../core/common/nodes/data/npy';
import { splitParams } from '../../../../../core/common/nodes/prep/split';
import { csvExecutor } from '../../../../../core/node/executors/data/csv';
import { idxExecutor } from '../../../../../core/node/executors/data/idx';
import { imagesExecutor } from '../../../../../core/node/executors/data/images';
import { jsonExecutor } from '../../../../../core/node/executors/data/json';
import { npyExecutor } from '../../../../../core/node/executors/data/npy';
import { splitExecutor } from '../../../../../core/node/executors/prep/split';
import { readRows } from '../../../../../core/node/data/splitRows';
import { executorContext } from '../../../../fixtures/executorContext';
import { digitPixels, writeDigit } from './mnistDigits';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-testsrc-'));
const write = (name: string, data: Uint8Array | string): string => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  return file;
};

/** IDX bytes (ubyte), as MNIST ships them. */
function idx(dims: number[], bytes: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(bytes)]);
}

/** A version 1.0 .npy file in C order, as numpy.save writes it. */
function npy(descr: string, shape: number[], data: ArrayBufferView): Buffer {
  let head = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  head += ' '.repeat(63 - ((10 + head.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(head.length, 8);
  return Buffer.concat([pre, Buffer.from(head, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** `count` digits cycling through `digits`, starting at mnist sample `from` of each. */
function digits(list: number[], count: number, from: number): { pixels: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const d = list[i % list.length];
    pixels.set(digitPixels(d, from + Math.floor(i / list.length)), i * 784);
    labels[i] = d;
  }
  return { pixels, labels };
}

const dataset = async (p: Promise<{ outputs: Record<string, unknown> }>): Promise<DatasetValue> =>
  (await p).outputs.dataset as DatasetValue;

describe('data.idx with test files', () => {
  const train = digits([0, 1, 2], 30, 0);
  const test = digits([2, 1, 0], 12, 40);
  beforeAll(() => {
    write('idx/train-images-idx3-ubyte.gz', idx([30, 28, 28], train.pixels));
    write('idx/train-labels-idx1-ubyte', idx([30], train.labels));
    write('idx/t10k-images-idx3-ubyte', idx([12, 28, 28], test.pixels));
    write('idx/t10k-labels-idx1-ubyte', idx([12], test.labels));
    write(
      'idx/t10k-labels-extra',
      idx(
        [12],
        Uint8Array.from(test.labels, (l, i) => (i === 3 ? 7 : l)),
      ),
    );
    write('idx/small-images', idx([12, 14, 14], new Uint8Array(12 * 196)));
  });
  const ctx = (p: Record<string, unknown>) =>
    executorContext(
      idxParams.parse({
        images: 'idx/train-images-idx3-ubyte.gz',
        labels: 'idx/train-labels-idx1-ubyte',
        testImages: 'idx/t10k-images-idx3-ubyte',
        testLabels: 'idx/t10k-labels-idx1-ubyte',
        validation: 0.2,
        ...p,
      }),
      { dir, nodeId: 'digits' },
    );

  it('takes the test split from the test files in file order and train/validation from the training files', async () => {
    const r = await idxExecutor(ctx({}));
    const ds = r.outputs.dataset as DatasetValue;
    expect(Object.keys(ds.splits).sort()).toEqual(['test', 'train', 'validation']);
    expect(ds.splits.train.n + ds.splits.validation.n).toBe(30);
    const t = ds.splits.test;
    expect([t.n, t.source]).toEqual([12, 't10k-images-idx3-ubyte']);
    expect(Array.from(t.y, (k) => ds.classNames![k])).toEqual(Array.from(test.labels, String));
    expect(Array.from(t.x)).toEqual(Array.from(Float32Array.from(test.pixels, (v) => v / 255)));
    expect(r.summary?.text).toMatch(/test \(t10k-images-idx3-ubyte, 12 rows\)/);
  });

  it('splits the training files as without test files (same train rows as a test share of 0)', async () => {
    const withTest = await dataset(idxExecutor(ctx({})));
    const without = await dataset(idxExecutor(ctx({ testImages: '', testLabels: '', test: 0 })));
    expect(Array.from(withTest.splits.train.x)).toEqual(Array.from(without.splits.train.x));
    expect(Array.from(withTest.splits.train.y)).toEqual(Array.from(without.splits.train.y));
  });

  it('refuses a class only in the test labels and a different image size, naming both sources', async () => {
    await expect(idxExecutor(ctx({ testLabels: 'idx/t10k-labels-extra' }))).rejects.toThrow(
      /test source .*t10k-images-idx3-ubyte.* has classes the training source .*train-images-idx3-ubyte\.gz.* lacks: "7" \(1 samples\)/,
    );
    await expect(idxExecutor(ctx({ testImages: 'idx/small-images' }))).rejects.toThrow(
      /\[1, 28, 28\] in the training source .*train-images-idx3-ubyte\.gz but \[1, 14, 14\] in the test source .*small-images/,
    );
    await expect(idxExecutor(ctx({ testLabels: '' }))).rejects.toThrow(/both the test images and the test labels/);
  });
});

describe('data.images with a test folder', () => {
  beforeAll(async () => {
    for (const [folder, classes, from] of [
      ['img/train', [3, 4], 0],
      ['img/test', [3, 4], 20],
      ['img/test-extra', [3, 4, 5], 20],
    ] as const) {
      for (const d of classes) {
        mkdirSync(path.join(dir, folder, String(d)), { recursive: true });
        for (let i = 0; i < 5; i++)
          await writeDigit(path.join(dir, folder, String(d), `${i}.png`), digitPixels(d, from + i), 'png');
      }
    }
  });
  const ctx = (p: Record<string, unknown>) =>
    executorContext(imagesParams.parse({ path: 'img/train', testPath: 'img/test', validation: 0.2, ...p }), {
      dir,
      nodeId: 'images',
    });

  it('reads the test folder as the test split, classes by subfolder name', async () => {
    const ds = await dataset(imagesExecutor(ctx({})));
    const t = ds.splits.test;
    expect([t.n, t.source]).toEqual([10, 'test']);
    expect(ds.splits.train.n + ds.splits.validation.n).toBe(10);
    expect(Array.from(t.y, (k) => ds.classNames![k])).toEqual(['3', '3', '3', '3', '3', '4', '4', '4', '4', '4']);
    const px = digitPixels(4, 22);
    for (let k = 0; k < 784; k++) expect(t.x[7 * 784 + k]).toBeCloseTo(px[k] / 255, 6);
  });

  it('loads a test folder above the memory budget per batch, decoding the same floats', async () => {
    const eager = await dataset(imagesExecutor(ctx({ width: 64, height: 64 })));
    const lazy = await dataset(imagesExecutor(ctx({ width: 64, height: 64, memoryBudgetMB: 0.1 })));
    const t = lazy.splits.test;
    expect(t.x).toHaveLength(0);
    expect(t.lazy?.files).toHaveLength(10);
    expect(Array.from(await readRows(t, 0, t.n))).toEqual(Array.from(eager.splits.test.x));
  });

  it('refuses a class folder only in the test folder, naming both folders', async () => {
    await expect(imagesExecutor(ctx({ testPath: 'img/test-extra' }))).rejects.toThrow(
      /test source .*test-extra has classes the training source .*img\/train lacks: "5" \(5 samples\)/,
    );
  });
});

describe('data.npy with test arrays', () => {
  beforeAll(() => {
    const xTrain = Float32Array.from({ length: 40 }, (_, i) => i / 10);
    const yTrain = Int32Array.from({ length: 20 }, (_, i) => (i % 2) * 5);
    write('npy/x_train.npy', npy('<f4', [20, 2], xTrain));
    write('npy/y_train.npy', npy('<i4', [20], yTrain));
    write('npy/x_test.npy', npy('<f4', [4, 2], Float32Array.from([9, 8, 7, 6, 5, 4, 3, 2])));
    write('npy/y_test.npy', npy('<i4', [4], Int32Array.from([5, 0, 5, 5])));
    write('npy/y_test_extra.npy', npy('<i4', [4], Int32Array.from([5, 0, 6, 5])));
    write('npy/x_test3.npy', npy('<f4', [4, 3], new Float32Array(12)));
    write('npy/x_test_f8.npy', npy('<f8', [4, 2], new Float64Array(8)));
    write(
      'npy/mnist.npz',
      zipSync({
        'x_train.npy': npy('<f4', [20, 2], xTrain),
        'y_train.npy': npy('<i4', [20], yTrain),
        'x_test.npy': npy('<f4', [4, 2], Float32Array.from([9, 8, 7, 6, 5, 4, 3, 2])),
        'y_test.npy': npy('<i4', [4], Int32Array.from([5, 0, 5, 5])),
      }),
    );
  });
  const ctx = (p: Record<string, unknown>) => executorContext(npyParams.parse(p), { dir, nodeId: 'npy' });
  const files = {
    path: 'npy/x_train.npy',
    labelsFile: 'npy/y_train.npy',
    testPath: 'npy/x_test.npy',
    testLabelsFile: 'npy/y_test.npy',
  };

  it('reads x_test/y_test files as the test split', async () => {
    const ds = await dataset(npyExecutor(ctx({ ...files, validation: 0 })));
    expect(ds.classNames).toEqual(['0', '5']);
    expect(Object.keys(ds.splits).sort()).toEqual(['test', 'train']);
    expect(ds.splits.train.n).toBe(20);
    const t = ds.splits.test;
    expect([t.n, t.source, Array.from(t.y), Array.from(t.x)]).toEqual([
      4,
      'x_test.npy',
      [1, 0, 1, 1],
      [9, 8, 7, 6, 5, 4, 3, 2],
    ]);
  });

  it('reads the test arrays of the same archive by name', async () => {
    const ds = await dataset(
      npyExecutor(
        ctx({
          path: 'npy/mnist.npz',
          features: 'x_train',
          labels: 'y_train',
          testFeatures: 'x_test',
          testLabels: 'y_test',
        }),
      ),
    );
    expect(ds.splits.test.source).toBe('mnist.npz');
    expect(Array.from(ds.splits.test.y)).toEqual([1, 0, 1, 1]);
    await expect(
      npyExecutor(ctx({ path: 'npy/mnist.npz', features: 'x_train', labels: 'y_train', testFeatures: 'x_test' })),
    ).rejects.toThrow(/name the test arrays .*testFeatures and testLabels/);
  });

  it('refuses another sample shape, dtype or a class only in the test labels, naming both files', async () => {
    await expect(npyExecutor(ctx({ ...files, testPath: 'npy/x_test3.npy' }))).rejects.toThrow(
      /\[2\] in the training source .*x_train\.npy.* but \[3\] in the test source .*x_test3\.npy/,
    );
    await expect(npyExecutor(ctx({ ...files, testPath: 'npy/x_test_f8.npy' }))).rejects.toThrow(
      /float32 in the training source .*x_train\.npy.* but float64 in the test source .*x_test_f8\.npy/,
    );
    await expect(npyExecutor(ctx({ ...files, testLabelsFile: 'npy/y_test_extra.npy' }))).rejects.toThrow(
      /has classes the training source .*x_train\.npy.* lacks: "6" \(1 samples\)/,
    );
  });
});

describe('data.csv and data.json through prep.split’s test input', () => {
  beforeAll(() => {
    write('tab/train.csv', 'x,c,y\n1,a,p\n2,b,q\n3,a,p\n4,b,q\n5,a,p\n6,b,q\n');
    write(
      'tab/test.json',
      JSON.stringify([
        { x: 10, c: 'b', y: 'q' },
        { x: 20, c: 'a', y: 'p' },
      ]),
    );
  });

  it('splits the CSV into train and scores on the JSON rows, encoded as the training rows', async () => {
    const train = (await csvExecutor(executorContext(csvNode.params.parse({ path: 'tab/train.csv' }), { dir }))).outputs
      .table as TableValue;
    const test = (await jsonExecutor(executorContext(jsonNode.params.parse({ path: 'tab/test.json' }), { dir })))
      .outputs.table as TableValue;
    const r = await splitExecutor(
      executorContext(splitParams.parse({ target: 'y', train: 1, validation: 0, test: 0 }), {
        inputs: { table: train, test },
        nodeId: 'split',
      }),
    );
    const ds = r.outputs.dataset as DatasetValue;
    expect(ds.featureNames).toEqual(['x', 'c=a', 'c=b']);
    expect(Array.from(ds.splits.test.x)).toEqual([10, 0, 1, 20, 1, 0]);
    expect(Array.from(ds.splits.test.y, (k) => ds.classNames![k])).toEqual(['q', 'p']);
    expect(r.summary?.text).toMatch(/train 6, test \(test\.json, 2 rows\)/);
  });
});
