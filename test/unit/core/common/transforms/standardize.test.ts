import { describe, expect, it } from 'vitest';
import { standardize } from '../../../../../core/common/transforms/standardize';
import { applyChain } from '../../../../../core/common/transforms/features';
import { asValues, flat, runOnnx } from './onnxCheck';

describe('standardize (scikit-learn StandardScaler: population std)', () => {
  it('fits the training mean and population std, NaN skipped', () => {
    // mean (1+2+3+4)/4 = 2.5; var = (2.25+0.25+0.25+2.25)/4 = 1.25
    const t = standardize.fit('c', asValues([1, 2, NaN, 3, 4]), {});
    expect(t).toEqual({ kind: 'standardize', column: 'c', mean: 2.5, std: Math.sqrt(1.25) });
  });

  it('applies (x − mean) / std, keeps NaN, and divides by 1 when std is 0', () => {
    const t = { kind: 'standardize' as const, column: 'c', mean: 2.5, std: Math.sqrt(1.25) };
    const out = flat(standardize.apply(t, asValues([0, NaN, 5])));
    expect(out[0]).toBeCloseTo(-2.2360679775, 10);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(2.2360679775, 10);
    expect(flat(standardize.apply({ ...t, mean: 3, std: 0 }, asValues([3, 7])))).toEqual([0, 4]);
  });

  it('the exported graph computes the same numbers as the app', async () => {
    const raw = [0, NaN, 5, -3.25, 1e6, 2.5];
    for (const t of [
      { kind: 'standardize' as const, column: 'c', mean: 2.5, std: Math.sqrt(1.25) },
      { kind: 'standardize' as const, column: 'c', mean: -1, std: 0 },
    ]) {
      const app = flat(applyChain(asValues(raw), [t]));
      const onnx = Array.from(await runOnnx(raw, [t]));
      expect(onnx).toEqual(app);
    }
  });
});
