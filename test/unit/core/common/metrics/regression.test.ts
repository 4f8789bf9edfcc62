import { describe, expect, it } from 'vitest';
import {
  formatTable,
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  regressionMetrics,
  residuals,
  rootMeanSquaredError,
} from '../../../../../core/common/metrics';

describe('regression metrics (sklearn definitions)', () => {
  it('reproduces sklearn’s documented single-target examples', () => {
    // sklearn docs: y_true [3, -0.5, 2, 7], y_pred [2.5, 0.0, 2, 8] → MSE 0.375, MAE 0.5, R² 0.948...
    const a = [3, -0.5, 2, 7];
    const p = [2.5, 0, 2, 8];
    expect(meanSquaredError(a, p)).toBeCloseTo(0.375, 12);
    expect(rootMeanSquaredError(a, p)).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(meanAbsoluteError(a, p)).toBeCloseTo(0.5, 12);
    // SS_res = 1.5, mean 2.875, SS_tot = 29.1875 → 1 - 1.5/29.1875
    expect(r2Score(a, p)).toBeCloseTo(1 - 1.5 / 29.1875, 12);
    expect(Array.from(residuals(a, p))).toEqual([0.5, -0.5, 0, -1]);
  });

  it('averages multi-target scores uniformly', () => {
    // sklearn docs: y_true [[.5,1],[-1,1],[7,-6]], y_pred [[0,2],[-1,2],[8,-5]] → MSE 0.708..., MAE 0.75.
    // R²: target0 1 - 1.25/(109/3 - 6.5²/3) ; target1 1 - 3/(294/9); mean = 0.93680...
    const a = [0.5, 1, -1, 1, 7, -6];
    const p = [0, 2, -1, 2, 8, -5];
    expect(meanSquaredError(a, p, 2)).toBeCloseTo(0.7083333333, 9);
    expect(meanAbsoluteError(a, p, 2)).toBeCloseTo(0.75, 12);
    const r2t0 = 1 - 1.25 / (0.25 + 1 + 49 - 6.5 ** 2 / 3);
    const r2t1 = 1 - 3 / (294 / 9);
    expect(r2Score(a, p, 2)).toBeCloseTo((r2t0 + r2t1) / 2, 12);
    expect(r2Score(a, p, 2)).toBeCloseTo(0.9368, 5);
  });

  it('R² of a constant target is 1 when exact, 0 otherwise (force_finite)', () => {
    expect(r2Score([2, 2], [2, 2])).toBe(1);
    expect(r2Score([2, 2], [2, 3])).toBe(0);
  });

  it('regressionMetrics builds scalars, a table and subsampled residuals', () => {
    const n = 5000;
    const a = Float32Array.from({ length: n }, (_, i) => i);
    const p = Float32Array.from({ length: n }, (_, i) => i + (i % 2 ? 1 : -1));
    const m = regressionMetrics({ split: 'test', actual: a, predicted: p, targetNames: ['y'] });
    expect(m.scalars).toMatchObject({ mse: 1, rmse: 1, mae: 1 });
    // SS_tot of 0..n-1 is n(n²-1)/12 and SS_res is n → R² = 1 - 12/(n²-1).
    expect(m.scalars.r2).toBeCloseTo(1 - 12 / (n * n - 1), 12);
    expect(m.residuals!.predicted.length).toBeLessThanOrEqual(2000);
    expect(m.residuals!.residual[0]).toBe(1);
    const text = formatTable(m.tables[0]);
    expect(text.split('\n')[3]).toMatch(/^y\s+1\s+1\s+1\s+1\.0000$/);
  });
});
