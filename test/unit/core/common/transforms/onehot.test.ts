import { describe, expect, it } from 'vitest';
import { applyChain, featureNames } from '../../../../../core/common/transforms/features';
import { onehot } from '../../../../../core/common/transforms/onehot';
import { asValues, flat, runOnnx } from './onnxCheck';

describe('onehot (scikit-learn OneHotEncoder, sorted categories, handle_unknown)', () => {
  it('fits the sorted distinct training categories; numbers are spelled as strings', () => {
    expect(onehot.fit('c', asValues(['b', 'a', null, 'b']), { unknown: 'ignore' }).categories).toEqual(['a', 'b']);
    expect(onehot.fit('c', asValues([2, 1, NaN, 2]), { unknown: 'ignore' }).categories).toEqual(['1', '2']);
  });

  it('one slot per category; unseen and missing give all zeros; unknown: error names the row', () => {
    const t = { kind: 'onehot' as const, column: 'c', categories: ['a', 'b'], unknown: 'ignore' as const };
    expect(flat(onehot.apply(t, asValues(['b', 'z', null, 'a'])))).toEqual([0, 1, 0, 0, 0, 0, 1, 0]);
    expect(() => onehot.apply({ ...t, unknown: 'error' }, asValues(['a', 'z']))).toThrow(
      `unknown category "z" in column 'c' (row 2)`,
    );
    expect(featureNames([{ name: 'c', type: 'category' }], [t])).toEqual(['c=a', 'c=b']);
  });

  it('the exported graph encodes as the app does, for category and numeric columns', async () => {
    const t = { kind: 'onehot' as const, column: 'c', categories: ['a', 'b', 'c'], unknown: 'ignore' as const };
    const catRaw = ['c', null, 'a', 'zz', 'b'];
    expect(Array.from(await runOnnx(catRaw, [t]))).toEqual(flat(applyChain(asValues(catRaw), [t])));
    const n = { kind: 'onehot' as const, column: 'c', categories: ['1', '2.5', '7'], unknown: 'ignore' as const };
    const numRaw = [7, NaN, 2.5, 3, 1];
    const app = flat(applyChain(asValues(numRaw), [n]));
    expect(app).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    expect(Array.from(await runOnnx(numRaw, [n]))).toEqual(app);
  });
});
