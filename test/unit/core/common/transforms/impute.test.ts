import { describe, expect, it } from 'vitest';
import { applyChain } from '../../../../../core/common/transforms/features';
import { impute } from '../../../../../core/common/transforms/impute';
import { asValues, flat, runOnnx } from './onnxCheck';

const fit = (
  raw: (number | string | null)[],
  strategy: 'mean' | 'median' | 'most_frequent' | 'constant',
  fillValue = '0',
) => impute.fit('c', asValues(raw as number[]), { strategy, fillValue }).value;

describe('impute (scikit-learn SimpleImputer)', () => {
  it('fits mean, median (odd and even counts), most frequent (ties → smallest) and constant', () => {
    expect(fit([1, NaN, 3, 8], 'mean')).toBe(4);
    expect(fit([8, NaN, 1, 3], 'median')).toBe(3);
    expect(fit([10, 1, 8, 3], 'median')).toBe(5.5);
    expect(fit([3, 1, 3, 1, 7], 'most_frequent')).toBe(1);
    expect(fit(['b', null, 'a', 'b', 'a'], 'most_frequent')).toBe('a');
    expect(fit([1, NaN], 'constant', '-1')).toBe(-1);
    expect(fit(['x', null], 'constant', 'none')).toBe('none');
  });

  it('the median equals the middle of the sorted values on many random columns with ties', () => {
    let seed = 5;
    const rand = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let n = 1; n <= 60; n++) {
      const raw = Array.from({ length: n }, () =>
        rand() < 0.1 ? NaN : Math.floor(rand() * 7) - 3 + (rand() < 0.3 ? 0.5 : 0),
      );
      const sorted = raw.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
      if (!sorted.length) continue;
      const m = sorted.length >> 1;
      const expected = sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
      expect(fit(raw, 'median')).toBe(expected);
    }
  });

  it('refuses a statistic that does not fit the column', () => {
    expect(() => fit([1, 2], 'constant', 'abc')).toThrow(/fillValue 'abc' is not a number/);
    expect(() => fit(['a', null], 'mean')).toThrow(/needs a numeric column/);
    expect(() => fit([NaN, NaN], 'median')).toThrow(/no values in the training split/);
  });

  it('fills only missing values', () => {
    const num = { kind: 'impute' as const, column: 'c', strategy: 'mean' as const, value: 4 };
    expect(flat(impute.apply(num, asValues([NaN, 2, NaN])))).toEqual([4, 2, 4]);
    const cat = { kind: 'impute' as const, column: 'c', strategy: 'most_frequent' as const, value: 'a' };
    expect(impute.apply(cat, asValues([null, 'b']))).toEqual({ kind: 'category', values: ['a', 'b'] });
  });

  it('the exported graph fills the same way as the app, numbers and categories', async () => {
    const numRaw = [NaN, 2, -7.5, NaN, 1e-9];
    const num = { kind: 'impute' as const, column: 'c', strategy: 'mean' as const, value: 4.125 };
    expect(Array.from(await runOnnx(numRaw, [num]))).toEqual(flat(applyChain(asValues(numRaw), [num])));

    const catRaw = [null, 'b', 'a', null, 'zz'];
    const chain = [
      { kind: 'impute' as const, column: 'c', strategy: 'most_frequent' as const, value: 'b' },
      { kind: 'onehot' as const, column: 'c', categories: ['a', 'b'], unknown: 'ignore' as const },
    ];
    const app = flat(applyChain(asValues(catRaw), chain));
    expect(app).toEqual([0, 1, 0, 1, 1, 0, 0, 1, 0, 0]);
    expect(Array.from(await runOnnx(catRaw, chain))).toEqual(app);
  });
});
