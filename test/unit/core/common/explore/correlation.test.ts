import { describe, expect, it } from 'vitest';
import { correlationMatrix, pearson } from '../../../../../core/common/explore/correlation';

describe('pearson', () => {
  it('matches r computed by hand', () => {
    // x = 1,2,3,4 (mean 2.5); y = 2,4,5,9 (mean 5)
    // Σdxdy = (-1.5)(-3)+(-0.5)(-1)+(0.5)(0)+(1.5)(4) = 11; Σdx² = 5; Σdy² = 9+1+0+16 = 26
    expect(pearson([1, 2, 3, 4], [2, 4, 5, 9])).toBeCloseTo(11 / Math.sqrt(5 * 26), 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
  });

  it('uses pairwise-complete rows and is null for a constant side or fewer than 2 rows', () => {
    expect(pearson([1, NaN, 2, 3, 4], [2, 100, 4, 5, 9])).toBeCloseTo(11 / Math.sqrt(5 * 26), 14);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, NaN], [2, 3])).toBeNull();
  });
});

describe('correlationMatrix', () => {
  it('is symmetric with a unit diagonal', () => {
    const m = correlationMatrix([
      [1, 2, 3, 4],
      [2, 4, 5, 9],
      [4, 3, 2, 1],
    ]);
    expect(m[0][0]).toBe(1);
    expect(m[0][1]).toBe(m[1][0]);
    expect(m[0][2]).toBeCloseTo(-1, 14);
    expect(m[1][2]).toBeCloseTo(-11 / Math.sqrt(5 * 26), 14);
  });
});
