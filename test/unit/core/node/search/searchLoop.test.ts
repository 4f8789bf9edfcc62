import { describe, expect, it } from 'vitest';
import { dimensionSchema } from '../../../../../core/common/search/space';
import { searchLoop, type SearchLoopOptions, type TrialEntry } from '../../../../../core/node/search/searchLoop';

const dims = [dimensionSchema.parse({ node: 'n', param: 'x', type: 'float', low: 0, high: 1 })];
const base = (o: Partial<SearchLoopOptions>): SearchLoopOptions => ({
  dims,
  algorithm: 'random',
  trials: 6,
  maxMs: 0,
  workers: 1,
  seed: 3,
  tpe: { gamma: 0.25, candidates: 24, warmup: 2 },
  gridPoints: 5,
  maximize: true,
  done: [],
  signal: new AbortController().signal,
  runTrial: (_i, c) => Promise.resolve({ status: 'finished', objective: c[0] as number, epochs: 1 }),
  ...o,
});

describe('search loop', () => {
  it('skips the trials a previous run finished and proposes the same points for the rest', async () => {
    const full = await searchLoop(base({}));
    const done: TrialEntry[] = full.entries.slice(0, 2);
    const ran: number[] = [];
    const resumed = await searchLoop(
      base({
        done,
        runTrial: (i, c) => {
          ran.push(i);
          return Promise.resolve({ status: 'finished', objective: c[0] as number, epochs: 1 });
        },
      }),
    );
    expect(ran).toEqual([2, 3, 4, 5]);
    expect(resumed.entries.map((e) => e.config)).toEqual(full.entries.map((e) => e.config));
  });

  it('starts no trial once the wall-time budget is spent', async () => {
    let clock = 0;
    const out = await searchLoop(
      base({
        maxMs: 1000,
        now: () => clock,
        runTrial: () => {
          clock += 400;
          return Promise.resolve({ status: 'finished', objective: 1, epochs: 1 });
        },
      }),
    );
    expect(out.entries).toHaveLength(3);
    expect(out.stopped).toMatch(/wall-time budget \(1 s\) ran out/);
  });

  it('stops after five trials that all failed, and goes on while any trial finishes', async () => {
    const allFail = await searchLoop(
      base({ trials: 20, runTrial: () => Promise.resolve({ status: 'failed', epochs: 0, reason: 'boom' }) }),
    );
    expect(allFail.entries).toHaveLength(5);
    expect(allFail.stopped).toBe('every trial failed');
    const some = await searchLoop(
      base({
        trials: 8,
        runTrial: (i) =>
          Promise.resolve(i === 4 ? { status: 'finished', objective: 1, epochs: 1 } : { status: 'failed', epochs: 0 }),
      }),
    );
    expect(some.entries).toHaveLength(8);
    expect(some.stopped).toBeUndefined();
  });

  it('runs up to `workers` trials at once', async () => {
    let running = 0;
    let most = 0;
    await searchLoop(
      base({
        workers: 3,
        runTrial: async () => {
          most = Math.max(most, ++running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
          return { status: 'finished', objective: 1, epochs: 1 };
        },
      }),
    );
    expect(most).toBe(3);
  });

  it('replays resumed trials’ rung values into ASHA before deciding new ones', async () => {
    const done: TrialEntry[] = [
      { index: 0, config: [0.1], status: 'finished', objective: 0.9, epochs: 9, rungs: { '1': 0.8 } },
      { index: 1, config: [0.2], status: 'pruned', epochs: 1, rungs: { '1': 0.5 } },
    ];
    const decisions: boolean[] = [];
    await searchLoop(
      base({
        trials: 3,
        done,
        asha: { epochs: [1, 3], eta: 3, higherIsBetter: true },
        runTrial: (_i, _c, report) => {
          decisions.push(report(1, 0.7));
          return Promise.resolve({ status: 'finished', objective: 0.7, epochs: 9 });
        },
      }),
    );
    // Rung 1 holds 0.8, 0.5, 0.7: keep max(1, floor(3/3)) = 1, the cutoff is 0.8, so 0.7 stops.
    expect(decisions).toEqual([false]);
  });
});
