import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../../../core/common/groupDigits';

describe('groupDigits', () => {
  it("writes integers as toLocaleString('en-US') does", () => {
    for (const n of [0, -0, 7, -7, 999, 1000, -1000, 123456, 1234567, 200_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(groupDigits(n)).toBe(n.toLocaleString('en-US'));
    }
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(groupDigits(n)).toBe(n.toLocaleString('en-US'));
      }),
    );
    expect(groupDigits(1234567)).toBe('1,234,567');
  });

  it('leaves other numbers to toLocaleString', () => {
    for (const x of [1.5, 1234.5678, 2 ** 60, NaN, -Infinity]) expect(groupDigits(x)).toBe(x.toLocaleString('en-US'));
  });
});
