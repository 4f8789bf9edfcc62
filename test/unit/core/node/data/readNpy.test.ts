import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { DataPreviewValue, DatasetValue, TableValue } from '../../../../../core/common';
import { npyParams } from '../../../../../core/common/nodes/data/npy';
import { previewFile } from '../../../../../core/node/data/previewFile';
import { readNpy, readNpySource, readNpz } from '../../../../../core/node/data/readNpy';
import { npyExecutor } from '../../../../../core/node/executors/data/npy';
import { executorContext } from '../../../../fixtures/executorContext';
import { digitPixels } from './mnistDigits';

/** Files written by NumPy 1.24 (np.save / np.savez(_compressed)), see the expected values below. */
const fixtures = path.resolve(import.meta.dirname, '../../../../fixtures/npy');
const fx = (name: string): string => path.join(fixtures, name);
const dir = mkdtempSync(path.join(tmpdir(), 'weft-npy-'));
const arange = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

/** A version 1.0 .npy file in C order, as numpy.save writes it. */
function npy(descr: string, shape: number[], data: ArrayBufferView): Buffer {
  let head = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  head += ' '.repeat(63 - ((10 + head.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(head.length, 8);
  return Buffer.concat([pre, Buffer.from(head, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

const ctx = (params: Record<string, unknown>) => executorContext(npyParams.parse(params), { dir, nodeId: 'npy' });

describe('.npy/.npz written by NumPy', () => {
  it('reads dtypes, byte orders, header versions and Fortran order into C order', async () => {
    const f8 = await readNpy(fx('f8_fortran.npy'));
    expect([f8.dtype, f8.shape]).toEqual(['float64', [3, 4]]);
    expect(Array.from(f8.data)).toEqual(arange(12, (i) => i / 4));
    const f4 = await readNpy(fx('f4_fortran_3d.npy'));
    expect([f4.dtype, f4.shape, Array.from(f4.data)]).toEqual(['float32', [2, 3, 4], arange(24)]);
    const i4 = await readNpy(fx('i4_big.npy'));
    expect([i4.dtype, i4.shape, Array.from(i4.data)]).toEqual(['int32', [2, 3], [-2, -1, 0, 1, 2, 3]]);
    const b = await readNpy(fx('bool.npy'));
    expect([b.dtype, b.kind, Array.from(b.data)]).toEqual(['bool', 'bool', [1, 0, 1, 1]]);
    expect(Array.from((await readNpy(fx('u1_3d.npy'))).data)).toEqual(arange(24));
    expect(Array.from((await readNpy(fx('i8.npy'))).data)).toEqual([-3, 2 ** 40, 7]);
    expect(Array.from((await readNpy(fx('u2_big.npy'))).data)).toEqual([1, 256, 65535]);
    expect(Array.from((await readNpy(fx('v2.npy'))).data)).toEqual([0, 1, 2, 3]);
  });

  it('reads compressed and stored .npz archives and finds x/y by name', async () => {
    const arrays = await readNpz(fx('xy.npz'));
    expect([...arrays.keys()].sort()).toEqual(['x', 'y']);
    const src = await readNpySource(fx('xy.npz'), {});
    expect([src.featuresName, src.labelsName, src.features.shape]).toEqual(['x', 'y', [10, 2]]);
    const reg = await readNpySource(fx('reg.npz'), {});
    expect([reg.featuresName, reg.labelsName, Array.from(reg.labels!.data)]).toEqual([
      'features',
      'target',
      [0.5, 1.5, 2.5, 3.5],
    ]);
  });

  it('gives a table for 2-D features and a classification dataset for integer labels', async () => {
    const r = await npyExecutor(ctx({ path: fx('xy.npz'), validation: 0, test: 0.2 }));
    const table = r.outputs.table as TableValue;
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([
      ['x0', 'number'],
      ['x1', 'number'],
      ['y', 'integer'],
    ]);
    expect(Array.from(table.columns[1].values as Float64Array)).toEqual(arange(10, (i) => 2 * i + 1));
    const ds = r.outputs.dataset as DatasetValue;
    expect([ds.task, ds.featureShape, ds.classNames]).toEqual(['classification', [2], ['0', '1']]);
    expect(ds.splits.train.n).toBe(8);
    expect(ds.splits.test.n).toBe(2);
    expect(Array.from(ds.splits.test.y).sort()).toEqual([0, 1]);
    for (let k = 0; k < 2; k++) {
      const [a, b] = ds.splits.test.x.subarray(2 * k, 2 * k + 2);
      expect(b).toBe(a + 1);
      expect((a / 2) % 2).toBe(ds.splits.test.y[k]);
    }
  });

  it('makes a regression dataset for float labels', async () => {
    const r = await npyExecutor(ctx({ path: fx('reg.npz'), validation: 0, test: 0.25, stratify: false }));
    const ds = r.outputs.dataset as DatasetValue;
    expect([ds.task, ds.targetDim, ds.targetName]).toEqual(['regression', 1, 'target']);
    const all = [...ds.splits.train.y, ...ds.splits.test.y].sort();
    expect(all).toEqual([0.5, 1.5, 2.5, 3.5]);
    const preview = r.outputs.preview as DataPreviewValue;
    expect(preview.format).toBe('npz');
    expect(preview.rowCount).toBe(4);
  });
});

describe('mnist digits saved as .npy and .npz by the test', () => {
  const n = 40;
  const pixels = new Uint8Array(n * 784);
  const labels = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    pixels.set(digitPixels(i % 4, Math.floor(i / 4)), i * 784);
    labels[i] = BigInt(i % 4);
  }
  writeFileSync(path.join(dir, 'digits.npy'), npy('|u1', [n, 28, 28], pixels));
  writeFileSync(path.join(dir, 'digit-labels.npy'), npy('<i8', [n], labels));
  writeFileSync(
    path.join(dir, 'digits.npz'),
    zipSync({ 'images.npy': npy('|u1', [n, 28, 28], pixels), 'labels.npy': npy('<i8', [n], labels) }, { level: 6 }),
  );

  it('reads [n, 28, 28] uint8 with a labels file as a [1, 28, 28] image dataset', async () => {
    const r = await npyExecutor(
      ctx({ path: 'digits.npy', labelsFile: 'digit-labels.npy', scale: 255, validation: 0.25, test: 0.25 }),
    );
    const ds = r.outputs.dataset as DatasetValue;
    expect([ds.task, ds.featureShape, ds.classNames]).toEqual(['classification', [1, 28, 28], ['0', '1', '2', '3']]);
    expect(ds.splits.train.n + ds.splits.validation.n + ds.splits.test.n).toBe(n);
    expect(r.outputs.table).toBeUndefined();
    const first = ds.splits.train.x.subarray(0, 784);
    const label = ds.splits.train.y[0];
    const match = arange(10).some((j) => digitPixels(label, j).every((v, k) => Math.abs(v / 255 - first[k]) < 1e-7));
    expect(match).toBe(true);
  });

  it('reads a .npz with named arrays, and previews it for weft data inspect', async () => {
    const r = await npyExecutor(ctx({ path: 'digits.npz', features: 'images', labels: 'labels', scale: 255 }));
    expect((r.outputs.dataset as DatasetValue).featureShape).toEqual([1, 28, 28]);
    const p = await previewFile(path.join(dir, 'digits.npz'), { npy: { features: 'images', labels: 'labels' } });
    expect([p.format, p.rowCount, p.sampleShape]).toEqual(['npz', n, [28, 28]]);
    expect(p.classHistogram).toEqual(Array.from({ length: 4 }, (_, k) => ({ label: String(k), count: 10 })));
  });
});

describe('.npy bad input', () => {
  it('names the file and the problem', async () => {
    await expect(readNpy(fx('strings.npy'))).rejects.toThrow(/strings\.npy: dtype '<U2' is not supported/);
    await expect(readNpy(fx('structured.npy'))).rejects.toThrow(
      /structured\.npy: structured \(record\) arrays are not supported/,
    );
    await expect(readNpy(fx('nan.npy'))).rejects.toThrow(/nan\.npy: value NaN at flat index 1 is not finite/);
    const truncated = path.join(dir, 'short.npy');
    writeFileSync(truncated, npy('<f4', [4], new Float32Array(4)).subarray(0, 136));
    await expect(readNpy(truncated)).rejects.toThrow(
      /short\.npy: data is 8 bytes, but shape \[4\] of float32 needs 16/,
    );
    const csv = path.join(dir, 'table.npy');
    writeFileSync(csv, 'a,b\n1,2\n');
    await expect(readNpy(csv)).rejects.toThrow(/table\.npy: not a \.npy file/);
    await expect(readNpySource(fx('xy.npz'), { labels: 'target' })).rejects.toThrow(
      /xy\.npz: no array 'target' for the labels; the archive holds x, y/,
    );
    await expect(readNpy(path.join(dir, 'missing.npy'))).rejects.toThrow(/missing\.npy: no such file/);
  });

  it('refuses a single class, mismatched lengths, and a 3-D array without labels', async () => {
    writeFileSync(path.join(dir, 'x4.npy'), npy('<f4', [4, 2], new Float32Array(8)));
    writeFileSync(path.join(dir, 'same.npy'), npy('<i4', [4], new Int32Array(4)));
    writeFileSync(path.join(dir, 'three.npy'), npy('<i4', [3], new Int32Array(3)));
    await expect(npyExecutor(ctx({ path: 'x4.npy', labelsFile: 'same.npy' }))).rejects.toThrow(
      /single class \(0\); a classifier needs at least two/,
    );
    await expect(npyExecutor(ctx({ path: 'x4.npy', labelsFile: 'three.npy' }))).rejects.toThrow(
      /3 labels in 'three' for 4 samples in 'x4'/,
    );
    await expect(npyExecutor(ctx({ path: fx('u1_3d.npy') }))).rejects.toThrow(
      /shape \[2, 3, 4\]: a table needs 1-D or 2-D, and a dataset needs labels/,
    );
  });
});
