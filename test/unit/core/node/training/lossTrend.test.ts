import { describe, expect, it } from 'vitest';
import { lossStillDecreasing } from '../../../../../core/node/training/lossTrend';

const history = (losses: number[]) => losses.map((loss, i) => ({ epoch: i + 1, metrics: { loss } }));

describe('lossStillDecreasing', () => {
  it('flags a loss that fell in each of the last two epochs, in the last by ≥ 2% and ≥ 5% of the run’s decrease', () => {
    expect(lossStillDecreasing(history([1.2, 0.9, 0.8, 0.75]))).toBe(true);
    expect(lossStillDecreasing(history([0.7, 0.69, 0.68]))).toBe(false); // 1.4% in the last epoch
    expect(lossStillDecreasing(history([0.7, 0.69, 0.676]))).toBe(true); // 2.03%
    expect(lossStillDecreasing(history([0.7, 0.72, 0.6]))).toBe(false); // rose before the last epoch
    expect(lossStillDecreasing(history([0.9, 0.5]))).toBe(false); // too few epochs to tell
    // converging: the last epoch still drops 8.8% but brings under 1% of the run's decrease
    expect(lossStillDecreasing(history([0.35, 0.15, 0.1, 0.08, 0.065, 0.055, 0.047, 0.041, 0.037, 0.034]))).toBe(false);
  });
});
