import { describe, expect, it } from 'vitest';
import { countDistinct } from '../../../../core/common/distinctNumbers';

/** The oracle: JavaScript's own Set (SameValueZero: -0 equals 0), NaN left out, counting stopped at `cap`. */
function bySet(values: ArrayLike<number>, cap: number): number {
  const seen = new Set<number>();
  for (let i = 0; i < values.length && seen.size < cap; i++) if (!Number.isNaN(values[i])) seen.add(values[i]);
  return seen.size;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
}

describe('countDistinct', () => {
  it('counts as a Set does: -0 and 0 alike, NaN left out, infinities, subnormals and integers', () => {
    const v = [
      0,
      -0,
      NaN,
      1,
      1,
      -1,
      Infinity,
      -Infinity,
      Infinity,
      5e-324,
      -5e-324,
      2 ** 53,
      2 ** 53 + 2,
      0.1,
      0.1 + 0.2,
      0.3,
    ];
    expect(countDistinct(v, 100)).toBe(bySet(v, 100));
    expect(countDistinct(v, 100)).toBe(12);
    expect(countDistinct([], 10)).toBe(0);
    expect(countDistinct([NaN, NaN], 10)).toBe(0);
  });

  it('agrees with a Set on random columns with many repeats, through the table growing, and stops at the cap', () => {
    for (const [n, levels, cap] of [
      [50_000, 7, 100_000],
      [50_000, 3_000, 100_000],
      [200_000, 1e9, 100_000],
      [30_000, 1e9, 100_000],
      [30_000, 1e9, 1_000],
    ] as const) {
      const rand = lcg(n + levels);
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = rand();
        col[i] = r < 0.01 ? NaN : Math.floor(rand() * levels) / 7 - levels / 14;
      }
      expect(countDistinct(col, cap)).toBe(bySet(col, cap));
    }
  });
});
