import { describe, expect, it } from 'vitest';
import { lossStillDecreasing } from '../../../../../core/node/training/lossTrend';

const history = (losses: number[]) => losses.map((loss, i) => ({ epoch: i + 1, metrics: { loss } }));

describe('lossStillDecreasing', () => {
  it('flags a loss that fell in each of the last two epochs, by at least 2% in the last', () => {
    expect(lossStillDecreasing(history([1.2, 0.9, 0.8, 0.75]))).toBe(true);
    expect(lossStillDecreasing(history([0.7, 0.69, 0.68]))).toBe(false); // 1.4% in the last epoch
    expect(lossStillDecreasing(history([0.7, 0.69, 0.676]))).toBe(true); // 2.03%
    expect(lossStillDecreasing(history([0.7, 0.72, 0.6]))).toBe(false); // rose before the last epoch
    expect(lossStillDecreasing(history([0.9, 0.5]))).toBe(false); // too few epochs to tell
  });
});
