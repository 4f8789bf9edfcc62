import { describe, expect, it } from 'vitest';
import { LrSchedule } from '../../../../../core/node/training/schedule';

describe('LrSchedule', () => {
  it('constant stays at the base rate', () => {
    const s = new LrSchedule(0.01, { kind: 'constant' }, 5, 10);
    expect(s.rate(0, 0)).toBe(0.01);
    expect(s.rate(4, 9)).toBe(0.01);
  });

  it('step multiplies by gamma every stepSize epochs', () => {
    const s = new LrSchedule(1, { kind: 'step', stepSize: 2, gamma: 0.5 }, 6, 3);
    expect([0, 1, 2, 3, 4, 5].map((e) => s.rate(e, 1))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('exponential decays per epoch', () => {
    const s = new LrSchedule(2, { kind: 'exponential', gamma: 0.9 }, 3, 1);
    expect(s.rate(2, 0)).toBeCloseTo(2 * 0.81, 12);
  });

  it('cosine goes from the base rate to minLr over the run', () => {
    const s = new LrSchedule(1, { kind: 'cosine', minLr: 0.1 }, 2, 2);
    // 4 steps: t = 0, 1/4, 2/4, 3/4 → 0.1 + 0.9 (1 + cos(pi t)) / 2
    expect(s.rate(0, 0)).toBeCloseTo(1, 12);
    expect(s.rate(0, 1)).toBeCloseTo(0.1 + 0.45 * (1 + Math.SQRT1_2), 12);
    expect(s.rate(1, 0)).toBeCloseTo(0.55, 12);
  });

  it('linear warmup reaches the base rate after warmupEpochs', () => {
    const s = new LrSchedule(1, { kind: 'constant', warmupEpochs: 1 }, 3, 4);
    expect([0, 1, 2, 3].map((i) => s.rate(0, i))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(s.rate(1, 0)).toBe(1);
  });

  it('plateau reduces after patience epochs without improvement, down to minLr', () => {
    const s = new LrSchedule(1, { kind: 'plateau', patience: 2, factor: 0.5, minLr: 0.2 }, 20, 1);
    const rates: number[] = [];
    for (const v of [1, 0.9, 0.95, 0.91, 0.92, 0.8, 0.85, 0.85, 0.9, 0.9]) {
      s.endEpoch(v);
      rates.push(s.rate(0, 0));
    }
    // best 0.9; two misses → 0.5; 0.8 improves; two misses → 0.25; two more → 0.125, floored at 0.2
    expect(rates).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2]);
  });
});
