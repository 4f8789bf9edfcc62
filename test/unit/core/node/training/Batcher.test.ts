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
