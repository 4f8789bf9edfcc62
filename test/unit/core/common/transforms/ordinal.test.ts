import { describe, expect, it } from 'vitest';
import { applyChain } from '../../../../../core/common/transforms/features';
import { ordinal } from '../../../../../core/common/transforms/ordinal';
import { asValues, flat, runOnnx } from './onnxCheck';

describe('ordinal (scikit-learn OrdinalEncoder with unknown_value)', () => {
  it('fits the sorted training categories', () => {
    expect(ordinal.fit('c', asValues(['m', 'a', null, 'z']), { unknown: -1 }).categories).toEqual(['a', 'm', 'z']);
  });

  it('maps a category to its index; unseen and missing get the unknown code', () => {
    const t = { kind: 'ordinal' as const, column: 'c', categories: ['a', 'm', 'z'], unknown: -1 };
    expect(flat(ordinal.apply(t, asValues(['z', 'a', 'q', null, 'm'])))).toEqual([2, 0, -1, -1, 1]);
    expect(flat(ordinal.apply({ ...t, unknown: 9 }, asValues(['q'])))).toEqual([9]);
  });

  it('the exported graph codes as the app does, for category and numeric columns', async () => {
    const t = { kind: 'ordinal' as const, column: 'c', categories: ['a', 'm', 'z'], unknown: -1 };
    const catRaw = ['z', 'a', 'q', null, 'm'];
    expect(Array.from(await runOnnx(catRaw, [t]))).toEqual(flat(applyChain(asValues(catRaw), [t])));
    const n = { kind: 'ordinal' as const, column: 'c', categories: ['-2', '0.5', '3'], unknown: 7 };
    const numRaw = [3, 0.5, NaN, -2, 4];
    const app = flat(applyChain(asValues(numRaw), [n]));
    expect(app).toEqual([2, 1, 7, 0, 7]);
    expect(Array.from(await runOnnx(numRaw, [n]))).toEqual(app);
  });
});
