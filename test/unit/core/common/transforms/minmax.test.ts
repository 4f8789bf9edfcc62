import { describe, expect, it } from 'vitest';
import { applyChain } from '../../../../../core/common/transforms/features';
import { minmax } from '../../../../../core/common/transforms/minmax';
import { asValues, flat, runOnnx } from './onnxCheck';

describe('minmax (scikit-learn MinMaxScaler, feature_range (0, 1))', () => {
  it('fits the training min and max, NaN skipped', () => {
    expect(minmax.fit('c', asValues([4, NaN, 2, 10]), {})).toEqual({ kind: 'minmax', column: 'c', min: 2, max: 10 });
  });

  it('applies (x − min) / (max − min); outside the training range goes outside [0, 1]; max = min gives 0', () => {
    const t = { kind: 'minmax' as const, column: 'c', min: 2, max: 10 };
    expect(flat(minmax.apply(t, asValues([6, 2, 10, 14, -2])))).toEqual([0.5, 0, 1, 1.5, -0.5]);
    expect(flat(minmax.apply(t, asValues([NaN])))[0]).toBeNaN();
    expect(flat(minmax.apply({ ...t, max: 2 }, asValues([2, 7])))).toEqual([0, 0]);
  });

  it('the exported graph computes the same numbers as the app', async () => {
    const raw = [6, NaN, 2, 10, 14, -2, 3.3];
    for (const t of [
      { kind: 'minmax' as const, column: 'c', min: 2, max: 10 },
      { kind: 'minmax' as const, column: 'c', min: 2, max: 2 },
    ]) {
      const app = flat(applyChain(asValues(raw), [t]));
      expect(Array.from(await runOnnx(raw, [t]))).toEqual(app);
    }
  });
});
