import { describe, expect, it } from 'vitest';
import type { DatasetValue, TableValue } from '../../../../core/common';
import { pendingBytes, pendingRows } from '../../../../core/common/deferFeatures';
import { fitScaler } from '../../../../core/common/nodes/prep/fitScaler';
import { splitParams } from '../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../core/common/nodes/prep/splitTable';
import { seededRandom, shuffleInPlace } from '../../../../core/common/nodes/prep/random';
import { gatherColumn } from '../../../../core/common/splitRaw';
import { assembleFeatures } from '../../../../core/common/transforms/features';
import { batchReader, takeRows } from '../../../../core/node/data/splitRows';

const ROWS = 6000;

/** f0 (every 7th row missing), f1, c (`levels` categories from a, every 11th row missing), label by parity. */
function table(levels = 5): TableValue {
  const r = seededRandom(5);
  return {
    rowCount: ROWS,
    columns: [
      {
        name: 'f0',
        type: 'number',
        values: Float64Array.from({ length: ROWS }, (_, i) => (i % 7 ? r() * 10 - 3 : NaN)),
      },
      { name: 'f1', type: 'number', values: Float64Array.from({ length: ROWS }, () => r() * 100) },
      {
        name: 'c',
        type: 'category',
        values: Array.from({ length: ROWS }, (_, i) => (i % 11 ? 'abcdef'[Math.floor(r() * levels)] : null)),
      },
      { name: 'label', type: 'integer', values: Float64Array.from({ length: ROWS }, (_, i) => i % 2) },
    ],
  };
}

const params = splitParams.parse({ target: 'label', task: 'classification', train: 0.8, validation: 0, test: 0.2 });

function dataset(levels = 5): DatasetValue {
  return fitScaler(splitTable(table(levels), params).dataset, { columns: [] }, 'standardize');
}

/** The split's x by `assembleFeatures` (the unindexed writer, tested on its own) on its raw rows copied out. */
function reference(ds: DatasetValue, name: string): Float32Array {
  const s = ds.splits[name];
  const raw = s.raw!.map((c) => gatherColumn(c, s.rawRows!));
  return assembleFeatures(raw, ds.rawFeatures!, ds.transforms, s.n);
}

describe('a deferred x written by rows (pendingRows)', () => {
  // an odd and an even width (rows of an even width are moved as float64 pairs)
  it.each([5, 6])(
    'writes any rows to any places with the values of the whole x, leaving the other rows alone (%i levels)',
    (levels) => {
      const ds = dataset(levels);
      const train = ds.splits.train;
      const w = ds.featureShape[0];
      expect(w).toBe(2 + levels);
      const rows = pendingRows(train)!;
      expect(rows.width).toBe(w);
      const ref = reference(ds, 'train');
      // 4,500 rows (three tiles of up to 2,048), in shuffled order, to shuffled places of a buffer of 5,000 rows
      const pick = shuffleInPlace(
        Int32Array.from({ length: train.n }, (_, i) => i),
        seededRandom(9),
      ).slice(0, 4500);
      const dst = shuffleInPlace(
        Int32Array.from({ length: 5000 }, (_, i) => i),
        seededRandom(4),
      ).slice(0, 4500);
      const out = new Float32Array(5000 * w).fill(7);
      rows.write(pick, dst, out);
      const placed = new Set(dst);
      for (let j = 0; j < pick.length; j++)
        expect(out.subarray(dst[j] * w, (dst[j] + 1) * w)).toEqual(ref.subarray(pick[j] * w, (pick[j] + 1) * w));
      for (let d = 0; d < 5000; d++)
        if (!placed.has(d)) expect([...out.subarray(d * w, (d + 1) * w)]).toEqual(Array(w).fill(7));
      // writing rows leaves x unbuilt
      expect(pendingBytes(train)).toBe(train.n * w * 4);
    },
  );

  it('batchReader writes each batch of a pass in order (the last one partial) as x holds it, leaving x unbuilt', async () => {
    const ds = dataset();
    const test = ds.splits.test;
    const w = ds.featureShape[0];
    const ref = reference(ds, 'test');
    const read = batchReader(test, 512);
    expect(test.n % 512).not.toBe(0);
    for (let start = 0; start < test.n; start += 512) {
      const count = Math.min(512, test.n - start);
      const x = await read(start, count);
      expect(x).toEqual(ref.subarray(start * w, (start + count) * w));
    }
    expect(pendingBytes(test)).toBe(test.n * w * 4);
    // once x is built, the reader gives views of it
    expect(test.x).toEqual(ref);
    expect(await batchReader(test, 512)(512, 3)).toEqual(ref.subarray(512 * w, 515 * w));
  });

  it('gives hand-computed values: the mean imputer and standardize on numbers, one-hot on categories', () => {
    const ds = dataset();
    const train = ds.splits.train;
    const w = ds.featureShape[0];
    const t = table();
    const f0 = t.columns[0].values as Float64Array;
    const f1 = t.columns[1].values as Float64Array;
    const c = t.columns[2].values as (string | null)[];
    // the fits by hand, on the training rows: mean of present f0, then population mean/std after filling
    const idx = train.rawRows!;
    let sum = 0;
    let count = 0;
    for (const r of idx)
      if (!Number.isNaN(f0[r])) {
        sum += f0[r];
        count++;
      }
    const fill = sum / count;
    const stats = (v: (r: number) => number): [number, number] => {
      let m = 0;
      for (const r of idx) m += v(r);
      m /= idx.length;
      let q = 0;
      for (const r of idx) q += (v(r) - m) ** 2;
      return [m, Math.sqrt(q / idx.length)];
    };
    const v0 = (r: number): number => (Number.isNaN(f0[r]) ? fill : f0[r]);
    const [m0, s0] = stats(v0);
    const [m1, s1] = stats((r) => f1[r]);
    const out = new Float32Array(5 * w);
    const some = [0, 1, 6, 10, 777];
    pendingRows(train)!.write(some, [4, 3, 2, 1, 0], out);
    some.forEach((k, j) => {
      const r = idx[k];
      const row = out.subarray((4 - j) * w, (5 - j) * w);
      expect(row[0]).toBeCloseTo((v0(r) - m0) / s0, 5);
      expect(row[1]).toBeCloseTo((f1[r] - m1) / s1, 5);
      const hot = [...row.subarray(2)];
      expect(hot).toEqual([...'abcde'].map((l) => (c[r] === l ? 1 : 0)));
    });
  });

  it("a part of a split (the trainer's held-out rows) stays deferred and is written from the raw columns", () => {
    const ds = dataset();
    const train = ds.splits.train;
    const w = ds.featureShape[0];
    const ref = reference(ds, 'train');
    const keep = Int32Array.from({ length: 1000 }, (_, i) => i * 3 + 1);
    const part = takeRows(train, keep, 1);
    expect(pendingBytes(part)).toBe(1000 * w * 4);
    expect(pendingBytes(train)).toBeDefined();
    // by rows through the part's own writer, then whole
    const out = new Float32Array(2 * w);
    pendingRows(part)!.write([5, 999], [1, 0], out);
    expect(out.subarray(w)).toEqual(ref.subarray(keep[5] * w, (keep[5] + 1) * w));
    expect(out.subarray(0, w)).toEqual(ref.subarray(keep[999] * w, (keep[999] + 1) * w));
    const x = part.x;
    for (let i = 0; i < keep.length; i++)
      expect(x.subarray(i * w, (i + 1) * w)).toEqual(ref.subarray(keep[i] * w, (keep[i] + 1) * w));
    expect(pendingRows(part)).toBeUndefined();
    for (let i = 0; i < keep.length; i++) expect(part.y[i]).toBe(train.y[keep[i]]);
  });
});
