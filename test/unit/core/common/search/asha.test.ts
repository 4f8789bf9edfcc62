import { describe, expect, it } from 'vitest';
import { Asha, ashaContinues, rungEpochs } from '../../../../../core/common/search/asha';

describe('ASHA', () => {
  it('puts rungs at grace · η^k below the last epoch', () => {
    expect(rungEpochs(1, 3, 27)).toEqual([1, 3, 9]);
    expect(rungEpochs(2, 2, 20)).toEqual([2, 4, 8, 16]);
    expect(rungEpochs(1, 3, 1)).toEqual([]);
  });

  it('keeps a value in the best max(1, floor(n/η)) recorded at its rung (hand-worked, η = 3)', () => {
    // Arrival order and the decision worked out by hand: n, keep, cutoff.
    const asha = new Asha([3], 3, true);
    const steps: [number, boolean][] = [
      [0.5, true], // n 1, keep 1, cutoff 0.5
      [0.7, true], // n 2, keep 1, cutoff 0.7
      [0.6, false], // n 3, keep 1, cutoff 0.7
      [0.4, false], // n 4, keep 1, cutoff 0.7
      [0.8, true], // n 5, keep 1, cutoff 0.8
      [0.65, false], // n 6, keep 2, cutoff 0.7
      [0.75, true], // n 7, keep 2, cutoff 0.75
    ];
    for (const [v, go] of steps) expect(asha.report(3, v), `value ${v}`).toBe(go);
    expect(asha.report(2, 0.01)).toBe(true);
  });

  it('reads lower as better for losses, and stops non-finite values', () => {
    expect(ashaContinues(0.3, [0.5, 0.3, 0.9], 3, false)).toBe(true);
    expect(ashaContinues(0.5, [0.5, 0.3, 0.9], 3, false)).toBe(false);
    expect(ashaContinues(0.5, [0.5, 0.3, 0.9, 0.2, 0.1, 0.7], 2, false)).toBe(false);
    expect(ashaContinues(0.3, [0.5, 0.3, 0.9, 0.2, 0.1, 0.7], 2, false)).toBe(true);
    expect(ashaContinues(Number.NaN, [Number.NaN], 3, false)).toBe(false);
  });
});
