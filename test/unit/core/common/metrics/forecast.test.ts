import { describe, expect, it } from 'vitest';
import {
  forecastScores,
  meanAbsolutePercentageError,
  naiveForecast,
  symmetricMeanAbsolutePercentageError,
  toOriginalUnits,
} from '../../../../../core/common/metrics';
import type { WindowSpec } from '../../../../../core/common';

// Figures recorded with scikit-learn 1.2 (mean_absolute_error, mean_squared_error, 100 × mean_absolute_percentage_error)
// and numpy for sMAPE = 100 · mean(2|ŷ − y| / (|y| + |ŷ|)), on actual [100, 200, 300].
const actual = [100, 200, 300];
const model = [110, 190, 330];
const naive = [90, 100, 200];

describe('forecast metrics by hand', () => {
  it('MAE, RMSE, MAPE and sMAPE of the model and of the naive forecast, and their ratios', () => {
    const s = forecastScores(actual, model, naive, 1);
    expect(s.mae).toBeCloseTo(50 / 3, 12);
    expect(s.rmse).toBeCloseTo(19.148542155126762, 12);
    expect(s.mape).toBeCloseTo(8.333333333333332, 12);
    expect(s.smape).toBeCloseTo(8.058608058608058, 12);
    expect(s.naive_mae).toBeCloseTo(70, 12);
    expect(s.naive_rmse).toBeCloseTo(81.8535277187245, 12);
    expect(s.naive_mape).toBeCloseTo(31.11111111111111, 12);
    expect(s.naive_smape).toBeCloseTo(39.06432748538012, 12);
    expect(s.mae_vs_naive).toBeCloseTo(0.2380952380952381, 12);
    expect(s.rmse_vs_naive).toBeCloseTo(0.2339366755325124, 12);
  });

  it('averages RMSE per horizon step as scikit-learn does, MAPE over every value', () => {
    // actual [[1, 2], [3, 5]], predicted [[2, 2], [3, 1]]: RMSE per column sqrt(1/2), sqrt(16/2)
    const s = forecastScores([1, 2, 3, 5], [2, 2, 3, 1], [1, 2, 3, 5], 2);
    expect(s.rmse).toBeCloseTo(1.7677669529663689, 12);
    expect(s.mape).toBeCloseTo(45, 12);
    expect(s.naive_mae).toBe(0);
  });

  it('guards zeros: MAPE divides by machine epsilon, sMAPE counts 0/0 as 0', () => {
    expect(meanAbsolutePercentageError([0], [1])).toBeCloseTo(100 / 2.220446049250313e-16, 0);
    expect(symmetricMeanAbsolutePercentageError([0, 2], [0, 0])).toBe(100);
  });

  it('maps standardized targets back and repeats the last window value for the naive forecast', () => {
    const window: WindowSpec = {
      timeColumn: 't',
      timeType: 'number',
      features: ['v'],
      target: 'v',
      lookback: 2,
      horizon: 2,
      stride: 1,
      differences: false,
      scaling: { mean: [10], std: [2], targetMean: 10, targetStd: 2 },
    };
    const series = {
      time: new Float64Array(6),
      target: Float64Array.from([5, 6, 7, 8, 9, 10]),
      validationStart: 6,
      testStart: 6,
    };
    const split = { x: new Float32Array(0), y: new Float32Array(0), n: 2, windowEnd: Int32Array.from([1, 3]) };
    expect(Array.from(toOriginalUnits([0, 1, -1.5, 0.5], split, window, series))).toEqual([10, 12, 7, 11]);
    // differences: the unscaled change is added to the window's last target value (6 for the first sample, 8 for the second)
    const changes = { ...window, differences: true };
    expect(Array.from(toOriginalUnits([0, 1, -1.5, 0.5], split, changes, series))).toEqual([16, 18, 15, 19]);
    expect(Array.from(naiveForecast(split, window, series))).toEqual([6, 6, 8, 8]);
  });
});
