import { Asha } from '../../common/search/asha';
import { gridPoint, gridSize } from '../../common/search/grid';
import { sampleRandom, trialRandom } from '../../common/search/random';
import type { Config, Dimension } from '../../common/search/space';
import { suggestTpe, type Observation, type TpeOptions } from '../../common/search/tpe';

/** How one trial ended. */
export interface TrialResult {
  status: 'finished' | 'pruned' | 'failed';
  /** The objective's value (finished trials). */
  objective?: number;
  /** The second objective (lower is better), when the search has one. */
  cost?: number;
  /** Epochs (or boosting iterations) it trained. */
  epochs: number;
  reason?: string;
  /** The child run's record id. */
  recordId?: string;
}

/** A trial as the search keeps it (and journals it for a resume). */
export interface TrialEntry extends TrialResult {
  index: number;
  config: Config;
  /** The pruning metric at each rung epoch the trial reached. */
  rungs: Record<string, number>;
}

export interface SearchLoopOptions {
  dims: readonly Dimension[];
  algorithm: 'tpe' | 'random' | 'grid';
  /** Most trials. */
  trials: number;
  /** Start no trial after this many milliseconds; 0 = no limit. */
  maxMs: number;
  workers: number;
  seed: number;
  tpe: TpeOptions;
  gridPoints: number;
  /** Whether a higher objective is better. */
  maximize: boolean;
  /** Successive halving: rung epochs, η, and the direction of the pruning metric. */
  asha?: { epochs: readonly number[]; eta: number; higherIsBetter: boolean };
  /** Trials a previous run of this search finished (from its journal): not run again. */
  done: readonly TrialEntry[];
  signal: AbortSignal;
  /** Runs one trial; `report(epoch, value)` returns false when the trial should stop there (pruned). */
  runTrial(index: number, config: Config, report: (epoch: number, value: number) => boolean): Promise<TrialResult>;
  onStart?(index: number, config: Config): void;
  /** Called as each trial ends, before the next one starts in its worker (journal it here). */
  onEnd?(entry: TrialEntry): void | Promise<void>;
  now?: () => number;
}

/** After this many trials without one that did not fail, a search stops with the first failure's reason. */
export const FAILURES_BEFORE_STOP = 5;

const usable = (e: TrialEntry): boolean => e.status === 'finished' && Number.isFinite(e.objective);

/** The best finished trial by the objective (ties: the earlier trial). */
export function bestTrial(entries: readonly TrialEntry[], maximize: boolean): TrialEntry | undefined {
  let best: TrialEntry | undefined;
  for (const e of [...entries].sort((a, b) => a.index - b.index)) {
    if (!usable(e)) continue;
    const v = e.objective as number;
    if (!best || (maximize ? v > (best.objective as number) : v < (best.objective as number))) best = e;
  }
  return best;
}

/**
 * Runs a search: proposes points (grid order, seeded random, or TPE over the trials so far), runs up
 * to `workers` trials at once, feeds their rung values to ASHA, and stops at the trial or time budget,
 * on cancel, or when the first trials all fail. Returns every trial, the resumed ones included.
 */
export async function searchLoop(o: SearchLoopOptions): Promise<{ entries: TrialEntry[]; stopped?: string }> {
  const now = o.now ?? Date.now;
  const started = now();
  const entries: TrialEntry[] = [...o.done];
  const doneIdx = new Set(o.done.map((e) => e.index));
  const total = o.algorithm === 'grid' ? Math.min(o.trials, gridSize(o.dims, o.gridPoints)) : o.trials;
  const asha = o.asha ? new Asha(o.asha.epochs, o.asha.eta, o.asha.higherIsBetter) : undefined;
  for (const e of o.done)
    for (const [epoch, v] of Object.entries(e.rungs).sort((a, b) => Number(a[0]) - Number(b[0])))
      asha?.report(Number(epoch), v);
  /** Trials still running: TPE counts them among the bad ones, so concurrent proposals spread out. */
  const pending: Config[] = [];
  const observations = (): Observation[] => [
    ...entries
      .filter((e) => e.status !== 'failed')
      .map((e) => ({
        config: e.config,
        ...(e.status === 'pruned'
          ? { pruned: true }
          : { loss: o.maximize ? -(e.objective as number) : (e.objective as number) }),
      })),
    ...pending.map((config) => ({ config, pruned: true })),
  ];
  const seen = (c: Config): boolean => {
    const key = JSON.stringify(c);
    return [...entries.map((e) => e.config), ...pending].some((x) => JSON.stringify(x) === key);
  };
  /** The next point; random and TPE draw again (up to 20 times) rather than repeat a trial of this search. */
  const propose = (index: number): Config => {
    if (o.algorithm === 'grid') return gridPoint(o.dims, o.gridPoints, index);
    const random = trialRandom(o.seed, index);
    const draw = (): Config =>
      o.algorithm === 'random' ? sampleRandom(o.dims, random) : suggestTpe(o.dims, observations(), random, o.tpe);
    let config = draw();
    for (let attempt = 0; attempt < 20 && seen(config); attempt++) config = draw();
    return config;
  };
  let next = 0;
  let stopped: string | undefined;
  const failedOut = (): boolean =>
    entries.length >= Math.min(FAILURES_BEFORE_STOP, total) && !entries.some((e) => e.status !== 'failed');
  const nextIndex = (): number | undefined => {
    while (next < total && doneIdx.has(next)) next++;
    if (next >= total) return undefined;
    if (o.signal.aborted) return undefined;
    if (o.maxMs > 0 && now() - started >= o.maxMs) {
      stopped ??= `the wall-time budget (${Math.round(o.maxMs / 1000)} s) ran out`;
      return undefined;
    }
    if (failedOut()) return undefined;
    return next++;
  };
  const worker = async (): Promise<void> => {
    for (let index = nextIndex(); index !== undefined; index = nextIndex()) {
      const config = propose(index);
      pending.push(config);
      o.onStart?.(index, config);
      const rungs: Record<string, number> = {};
      const report = (epoch: number, value: number): boolean => {
        if (!asha || !o.asha?.epochs.includes(epoch)) return true;
        rungs[String(epoch)] = value;
        return asha.report(epoch, value);
      };
      let result: TrialResult;
      try {
        result = await o.runTrial(index, config, report);
      } finally {
        pending.splice(pending.indexOf(config), 1);
      }
      const entry: TrialEntry = { index, config, rungs, ...result };
      entries.push(entry);
      await o.onEnd?.(entry);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.workers, total)) }, () => worker()));
  if (failedOut()) stopped = 'every trial failed';
  return { entries: entries.sort((a, b) => a.index - b.index), ...(stopped ? { stopped } : {}) };
}
