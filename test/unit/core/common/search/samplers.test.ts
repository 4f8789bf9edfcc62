import { describe, expect, it } from 'vitest';
import { gridPoint, gridSize, gridValues } from '../../../../../core/common/search/grid';
import { sampleRandom, trialRandom } from '../../../../../core/common/search/random';
import { dimensionSchema, type Dimension } from '../../../../../core/common/search/space';
import { splitObservations, suggestTpe, type Observation } from '../../../../../core/common/search/tpe';

const dim = (d: Record<string, unknown>): Dimension => dimensionSchema.parse({ node: 'n', param: 'p', ...d });
const lr = dim({ param: 'lr', type: 'float', low: 1e-4, high: 1e-1, scale: 'log' });
const units = dim({ param: 'units', type: 'int', low: 2, high: 9 });
const hidden = dim({ param: 'hidden', type: 'choice', choices: [[32], [64, 64], [128, 64]] });
const space = [lr, units, hidden];

describe('search space', () => {
  it('refuses empty and invalid ranges with the dimension named', () => {
    const bad = (d: Record<string, unknown>): string =>
      dimensionSchema.safeParse({ node: 'train', param: 'lr', ...d }).error?.issues[0]?.message ?? 'accepted';
    expect(bad({ type: 'float', low: 0.1, high: 0.01 })).toMatch(/train\.lr: the range 0\.1\.\.0\.01 is empty/);
    expect(bad({ type: 'float', low: 0, high: 1, scale: 'log' })).toMatch(/log scale needs low above 0/);
    expect(bad({ type: 'int', low: 1.5, high: 4 })).toMatch(/whole-number bounds/);
    expect(bad({ type: 'choice', choices: [] })).toMatch(/at least one value/);
    expect(bad({ type: 'float', low: 1 })).toMatch(/needs low and high/);
    expect(bad({ type: 'float', low: 1, high: 1 })).toBe('accepted');
  });
});

describe('random sampler', () => {
  it('is seeded: the same seed and trial give the same point, another seed another', () => {
    const a = sampleRandom(space, trialRandom(7, 3));
    expect(sampleRandom(space, trialRandom(7, 3))).toEqual(a);
    expect(sampleRandom(space, trialRandom(8, 3))).not.toEqual(a);
    expect(sampleRandom(space, trialRandom(7, 4))).not.toEqual(a);
  });

  it('respects ranges, hits every integer and choice, and is uniform in log(lr)', () => {
    const counts = new Map<number, number>();
    let belowGeoMean = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const [x, u, h] = sampleRandom(space, trialRandom(1, i)) as [number, number, number[]];
      expect(x).toBeGreaterThanOrEqual(1e-4);
      expect(x).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(u) && u >= 2 && u <= 9).toBe(true);
      expect(hidden.choices).toContainEqual(h);
      counts.set(u, (counts.get(u) ?? 0) + 1);
      if (x < Math.sqrt(1e-4 * 1e-1)) belowGeoMean++;
    }
    expect([...counts.keys()].sort()).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    for (const c of counts.values()) expect(Math.abs(c / n - 1 / 8)).toBeLessThan(0.03);
    // Uniform in log space puts half the mass below the geometric mean of the bounds (linear: 3%).
    expect(Math.abs(belowGeoMean / n - 0.5)).toBeLessThan(0.03);
  });
});

describe('grid', () => {
  it('spaces points evenly, in log space for a log scale, and enumerates the product', () => {
    const g = gridValues(lr, 4) as number[];
    expect(g.map((v) => Math.log10(v))).toEqual([-4, -3, -2, -1].map((v) => expect.closeTo(v, 12)));
    expect(gridValues(dim({ type: 'float', low: 0, high: 0.5 }), 3)).toEqual([0, 0.25, 0.5]);
    expect(gridValues(dim({ type: 'int', low: 1, high: 3 }), 5)).toEqual([1, 2, 3]);
    expect(gridSize(space, 4)).toBe(4 * 4 * 3);
    expect(gridPoint(space, 4, 0)).toEqual([expect.closeTo(1e-4, 12), 2, [32]]);
    expect(gridPoint(space, 4, 1)).toEqual([expect.closeTo(1e-4, 12), 2, [64, 64]]);
    expect(gridPoint(space, 4, 3)).toEqual([expect.closeTo(1e-4, 12), 4, [32]]);
    const all = Array.from({ length: 48 }, (_, i) => JSON.stringify(gridPoint(space, 4, i)));
    expect(new Set(all).size).toBe(48);
  });
});

describe('TPE', () => {
  const opts = { gamma: 0.25, candidates: 24, warmup: 5 };

  it('splits finished trials by loss; pruned trials are bad and failed ones absent', () => {
    const h: Observation[] = [
      { config: [1], loss: 3 },
      { config: [2], loss: 1 },
      { config: [3], pruned: true },
      { config: [4], loss: 2 },
      { config: [5], loss: 5 },
      { config: [6], loss: 4 },
    ];
    const { good, bad } = splitObservations(h, 0.25);
    expect(good.map((o) => o.config[0])).toEqual([2, 4]);
    expect(bad.map((o) => o.config[0])).toEqual([1, 6, 5, 3]);
  });

  it('is random during the warm-up, deterministic given the seed, and inside the ranges', () => {
    const h: Observation[] = [];
    for (let i = 0; i < 4; i++) h.push({ config: sampleRandom(space, trialRandom(0, i)), loss: i });
    expect(suggestTpe(space, h, trialRandom(0, 4), opts)).toEqual(sampleRandom(space, trialRandom(0, 4)));
    for (let i = 4; i < 30; i++) {
      const c = suggestTpe(space, h, trialRandom(0, i), opts) as [number, number, number[]];
      expect(suggestTpe(space, h, trialRandom(0, i), opts)).toEqual(c);
      expect(c[0]).toBeGreaterThanOrEqual(1e-4);
      expect(c[0]).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(c[1]) && c[1] >= 2 && c[1] <= 9).toBe(true);
      expect(hidden.choices).toContainEqual(c[2]);
      h.push({ config: c, loss: Math.abs(Math.log10(c[0]) + 2.5) });
    }
  });

  // A cheap synthetic objective with its optimum inside the space: lr = 10^-2.5, 6 units, [64, 64].
  const objective = (c: unknown[]): number => {
    const [x, u, h] = c as [number, number, number[]];
    return (Math.log10(x) + 2.5) ** 2 + ((u - 6) / 3) ** 2 + (h.length === 2 && h[0] === 64 ? 0 : 0.5);
  };
  const bestAfter = (
    pick: (h: Observation[], i: number, seed: number) => unknown[],
    seed: number,
    n: number,
  ): number => {
    const h: Observation[] = [];
    for (let i = 0; i < n; i++) {
      const config = pick(h, i, seed);
      h.push({ config, loss: objective(config) });
    }
    return Math.min(...h.map((o) => o.loss as number));
  };

  it('beats random search on a synthetic objective, on average over 10 seeds at 30 trials', () => {
    const seeds = Array.from({ length: 10 }, (_, s) => s + 1);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const tpe = mean(
      seeds.map((s) => bestAfter((h, i, seed) => suggestTpe(space, h, trialRandom(seed, i), opts), s, 30)),
    );
    const rnd = mean(seeds.map((s) => bestAfter((_h, i, seed) => sampleRandom(space, trialRandom(seed, i)), s, 30)));
    expect(tpe).toBeLessThan(rnd);
  });
});
