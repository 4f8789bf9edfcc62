import { describe, expect, it } from 'vitest';
import {
  categoryCounts,
  columnDistribution,
  MAX_BARS,
  numericHistogram,
  sturgesBins,
} from '../../../../../core/common/explore/distribution';

describe('numericHistogram', () => {
  it('bins 0..10 into 5 equal bins, the last one closed, NaN as missing (numpy.histogram by hand)', () => {
    const h = numericHistogram([0, 1, 2, 2, 3.9, 4, 5, 7.99, 8, 10, NaN, NaN], 5);
    expect(h.edges).toEqual([0, 2, 4, 6, 8, 10]);
    // [0,2): 0,1 · [2,4): 2,2,3.9 · [4,6): 4,5 · [6,8): 7.99 · [8,10]: 8,10
    expect(h.counts).toEqual([2, 3, 2, 1, 2]);
    expect(h.missing).toBe(2);
  });

  it('puts a constant column in one bin around its value and picks Sturges bins by default', () => {
    expect(numericHistogram([3, 3, 3])).toEqual({ edges: [2.5, 3.5], counts: [3], missing: 0 });
    expect(sturgesBins(150)).toBe(9); // ⌈log2 150⌉ + 1 = 8 + 1
    expect(sturgesBins(1)).toBe(1);
    expect(numericHistogram(Float64Array.from({ length: 150 }, (_, i) => i)).counts).toHaveLength(9);
  });

  it('has no bins when every value is missing', () => {
    expect(numericHistogram([NaN, NaN])).toEqual({ edges: [], counts: [], missing: 2 });
  });

  it('keeps a value on a bin edge in the upper bin despite rounding', () => {
    const h = numericHistogram([0.1, 0.2, 0.30000000000000004, 0.7], 6);
    expect(h.counts.reduce((a, b) => a + b)).toBe(4);
    expect(h.counts[0]).toBe(1);
  });
});

describe('categoryCounts', () => {
  it('counts values most frequent first (ties by label) and the missing cells', () => {
    const c = categoryCounts({ name: 'k', type: 'category', values: ['b', 'a', null, 'b', 'c', 'a', 'b', null] });
    expect(c).toEqual({
      bars: [
        { label: 'b', count: 3 },
        { label: 'a', count: 2 },
        { label: 'c', count: 1 },
      ],
      other: 0,
      missing: 2,
    });
  });

  it(`keeps ${MAX_BARS} bars and counts the rest as other`, () => {
    const values = Array.from({ length: MAX_BARS + 5 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    const c = categoryCounts({ name: 'k', type: 'text', values: [...values, 'v00'] });
    expect(c.bars).toHaveLength(MAX_BARS);
    expect(c.bars[0]).toEqual({ label: 'v00', count: 2 });
    expect(c.other).toBe(5);
  });

  it('draws booleans as bars and numbers as a histogram', () => {
    const b = columnDistribution({ name: 'flag', type: 'boolean', values: Float64Array.from([1, 0, 1, NaN]) });
    expect(b).toMatchObject({
      kind: 'categorical',
      bars: [
        { label: 'true', count: 2 },
        { label: 'false', count: 1 },
      ],
      missing: 1,
    });
    expect(columnDistribution({ name: 'x', type: 'number', values: Float64Array.from([1, 2]) }).kind).toBe('numeric');
  });
});
