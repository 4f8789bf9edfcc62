import type { TrialUpdate } from '../protocol/events';

/** A column the live trials table sorts by. */
export type TrialSortKey = 'index' | 'status' | 'objective';

/** Trials ordered by one column; trials without an objective go last in either direction. */
export function sortTrials(trials: readonly TrialUpdate[], key: TrialSortKey, dir: 'asc' | 'desc'): TrialUpdate[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...trials].sort((a, b) => {
    if (key === 'objective') {
      const ma = a.objective === undefined || Number.isNaN(a.objective);
      const mb = b.objective === undefined || Number.isNaN(b.objective);
      if (ma || mb) return ma === mb ? a.index - b.index : ma ? 1 : -1;
      return sign * ((a.objective as number) - (b.objective as number)) || a.index - b.index;
    }
    if (key === 'status') return sign * a.status.localeCompare(b.status) || a.index - b.index;
    return sign * (a.index - b.index);
  });
}

/** The trials list after one update: the trial's entry replaced (or added), in trial order. */
export function withTrial(trials: readonly TrialUpdate[], update: TrialUpdate): TrialUpdate[] {
  return [...trials.filter((t) => t.index !== update.index), update].sort((a, b) => a.index - b.index);
}

/**
 * The best objective after each trial in trial order (null until one finished), for the studio's
 * best-so-far curve; `maximize` says which way is better.
 */
export function bestSoFar(trials: readonly TrialUpdate[], maximize: boolean): { x: number[]; best: (number | null)[] } {
  const x: number[] = [];
  const best: (number | null)[] = [];
  let current: number | null = null;
  for (const t of [...trials].sort((a, b) => a.index - b.index)) {
    if (t.status === 'running') continue;
    const v = t.status === 'finished' ? t.objective : undefined;
    if (v !== undefined && Number.isFinite(v) && (current === null || (maximize ? v > current : v < current)))
      current = v;
    x.push(t.index);
    best.push(current);
  }
  return { x, best };
}
