import { describe, expect, it } from 'vitest';
import { Batcher, classWeightsFor } from '../../../../../core/node/training/Batcher';

const src = {
  x: Float32Array.from({ length: 10 }, (_, i) => i * 10 + 0.5),
  y: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]),
  n: 10,
};
const opts = { batchSize: 4, rowSize: 1, labelSize: 1, labels: 'int64' as const, shuffle: true, seed: 3 };

describe('Batcher', () => {
  it('visits every row once per epoch, last batch partial, rows and labels kept together', () => {
    const b = new Batcher(src, opts);
    expect(b.batches).toBe(3);
    b.startEpoch();
    const seen: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < b.batches; i++) {
      const n = b.fill(i);
      counts.push(n);
      for (let r = 0; r < n; r++) {
        const row = (b.x[r] - 0.5) / 10;
        seen.push(row);
        expect(b.y[r]).toBe(BigInt(src.y[row]));
      }
    }
    expect(counts).toEqual([4, 4, 2]);
    expect([...seen].sort((a, c) => a - c)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('copies soft values (teacher logits) in the same shuffled order as the rows', () => {
    const soft = Float32Array.from({ length: 20 }, (_, i) => 1000 + i);
    const b = new Batcher({ ...src, soft }, { ...opts, softSize: 2 });
    b.startEpoch();
    for (let i = 0; i < b.batches; i++) {
      const n = b.fill(i);
      for (let r = 0; r < n; r++) {
        const row = (b.x[r] - 0.5) / 10;
        expect([b.soft[r * 2], b.soft[r * 2 + 1]]).toEqual([1000 + row * 2, 1001 + row * 2]);
      }
    }
    expect(() => new Batcher({ ...src, soft: new Float32Array(7) }, { ...opts, softSize: 2 })).toThrow(/10 × 2/);
  });

  it('gives the same order for the same seed and a different one otherwise', () => {
    const order = (seed: number): number[][] => {
      const b = new Batcher(src, { ...opts, seed });
      return [0, 1].map(() => (b.startEpoch(), [...b.order]));
    };
    expect(order(3)).toEqual(order(3));
    expect(order(3)).not.toEqual(order(4));
    const [e1, e2] = order(3);
    expect(e1).not.toEqual(e2);
  });

  it('keeps the order without shuffling', () => {
    const b = new Batcher(src, { ...opts, shuffle: false, labels: 'int32' });
    b.startEpoch();
    b.fill(1);
    expect([...b.x.subarray(0, 4)]).toEqual([40.5, 50.5, 60.5, 70.5]);
    expect([...b.y.subarray(0, 4)]).toEqual([1, 2, 0, 1]);
  });
});

describe('classWeightsFor', () => {
  it('balanced weights are n / (k × count) as in scikit-learn', () => {
    const w = classWeightsFor('balanced', Int32Array.from([0, 0, 0, 1]), 2)!;
    expect(w[0]).toBeCloseTo(4 / 6, 6);
    expect(w[1]).toBeCloseTo(2, 6);
  });

  it('checks an explicit list against the number of classes', () => {
    expect(() => classWeightsFor([1, 2], Int32Array.from([0, 1, 2]), 3)).toThrow(/3 classes/);
    expect(classWeightsFor('none', Int32Array.from([0]), 1)).toBeUndefined();
  });
});

/** Two epochs of both batchers in step: `check(b, count)` after each has taken batch `b` (its labels, for `chunked`). */
function sideBySide(copied: Batcher, chunked: Batcher, check: (b: number, count: number) => void): void {
  for (let epoch = 0; epoch < 2; epoch++) {
    copied.startEpoch();
    chunked.startEpoch();
    for (let b = 0; b < copied.batches; b++) {
      const count = copied.fill(b);
      expect(chunked.fill(b, false)).toBe(count);
      check(b, count);
    }
  }
}

describe('Batcher, chunked feed (a split whose x is written by rows)', () => {
  /** 1,000 rows of 3 floats; the row writer writes row r as r, r + 0.25, r + 0.5. */
  const n = 1000;
  const x = Float32Array.from({ length: n * 3 }, (_, i) => Math.floor(i / 3) + (i % 3) / 4);
  const y = Int32Array.from({ length: n }, (_, i) => i % 5);
  const reads: number[][] = [];
  const rows = {
    width: 3,
    write(src: ArrayLike<number>, dst: ArrayLike<number>, out: Float32Array): void {
      reads.push(Array.from(src));
      for (let j = 0; j < src.length; j++) for (let k = 0; k < 3; k++) out[dst[j] * 3 + k] = src[j] + k / 4;
    },
  };
  const o = { batchSize: 64, rowSize: 3, labelSize: 1, labels: 'int32' as const, shuffle: true, seed: 8 };

  it.each([true, false])(
    'gives the same batches, in the same order, as copying out of x, a chunk of whole batches at a time (shuffle %s)',
    (shuffle) => {
      const copied = new Batcher({ x, y, n }, { ...o, shuffle });
      // 3 batches of 64 rows of 3 floats per chunk: 6 chunks, the last one short and its last batch partial
      const chunked = new Batcher(
        { x: new Float32Array(0), rows, y, n },
        { ...o, shuffle, chunkBytes: 3 * 64 * 3 * 4 + 100 },
      );
      expect(chunked.chunked).toBe(true);
      reads.length = 0;
      sideBySide(copied, chunked, (b, count) => {
        const view = chunked.features(b);
        expect(view.length).toBe(count * 3);
        expect(view).toEqual(copied.x.subarray(0, count * 3));
        expect(chunked.y.subarray(0, count)).toEqual(copied.y.subarray(0, count));
        // with features: true the rows are copied into the batch buffer too (data-parallel workers read it)
        chunked.fill(b);
        expect(chunked.x.subarray(0, count * 3)).toEqual(view);
      });
      // each chunk written once per epoch, its rows read in ascending order
      expect(reads.length).toBe(2 * Math.ceil(1000 / 192));
      for (const r of reads) for (let j = 1; j < r.length; j++) expect(r[j]).toBeGreaterThan(r[j - 1]);
      // batches are views of one chunk buffer: no copy
      expect(chunked.features(1).buffer).toBe(chunked.features(0).buffer);
    },
  );

  it.each([3, 4])(
    'feeds a built x larger than two chunks a chunk at a time, with the same batches as copying (width %i)',
    (width) => {
      const wx = Float32Array.from({ length: n * width }, (_, i) => Math.floor(i / width) + (i % width) / 8);
      // NaN (missing), a NaN with a payload (as a file may hold) and -0 survive the copy bit for bit
      wx[5 * width + 1] = NaN;
      new Uint32Array(wx.buffer)[6 * width + 1] = 0x7ff00001;
      wx[7 * width] = -0;
      const ow = { ...o, rowSize: width };
      const copied = new Batcher({ x: wx, y, n }, ow);
      const chunkBytes = 3 * 64 * width * 4 + 100;
      const chunked = new Batcher({ x: wx, y, n }, { ...ow, chunkBytes });
      expect(copied.chunked).toBe(false);
      expect(chunked.chunked).toBe(true);
      // data-parallel workers read x themselves: no chunks with shared buffers, nor for an x of two chunks or less
      expect(new Batcher({ x: wx, y, n }, { ...ow, chunkBytes, shared: true }).chunked).toBe(false);
      expect(new Batcher({ x: wx, y, n }, { ...ow, chunkBytes: (n * width * 4) / 2 }).chunked).toBe(false);
      sideBySide(copied, chunked, (b, count) => {
        const got = new Uint32Array(chunked.features(b).slice().buffer);
        expect(got).toEqual(new Uint32Array(copied.x.slice(0, count * width).buffer));
      });
    },
  );

  it('refuses a row writer of another width', () => {
    expect(() => new Batcher({ x: new Float32Array(0), rows: { ...rows, width: 4 }, y, n }, o)).toThrow(
      /3 values a row, got 4/,
    );
  });
});
