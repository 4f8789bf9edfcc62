/**
 * Asynchronous successive halving (Li et al. 2020) in its stopping form, as Optuna and Ray Tune run
 * it: rungs at `grace · η^k` epochs; a trial reaching a rung continues only while its value is among
 * the best `max(1, floor(n / η))` of the `n` values recorded at that rung so far, itself included.
 */

/** Rung epochs below `maxEpochs` (a trial that reaches `maxEpochs` has finished): grace, grace·η, grace·η², … */
export function rungEpochs(grace: number, eta: number, maxEpochs: number): number[] {
  const out: number[] = [];
  for (let r = Math.max(1, grace); r < maxEpochs; r *= Math.max(2, eta)) out.push(Math.round(r));
  return out;
}

/** Whether a value continues past its rung, given every value recorded there (its own included). */
export function ashaContinues(
  value: number,
  recorded: readonly number[],
  eta: number,
  higherIsBetter: boolean,
): boolean {
  if (!Number.isFinite(value)) return false;
  const sorted = recorded.filter(Number.isFinite).sort((a, b) => (higherIsBetter ? b - a : a - b));
  const keep = Math.max(1, Math.floor(sorted.length / eta));
  const cutoff = sorted[keep - 1];
  return higherIsBetter ? value >= cutoff : value <= cutoff;
}

/** The rungs of one search: values recorded per rung epoch, and the decision for each report. */
export class Asha {
  private readonly rungs = new Map<number, number[]>();
  private readonly rungSet: Set<number>;

  constructor(
    readonly epochs: readonly number[],
    private readonly eta: number,
    private readonly higherIsBetter: boolean,
  ) {
    this.rungSet = new Set(epochs);
  }

  /** Records a trial's value at `epoch`; false when the trial should stop here. Off-rung epochs always continue. */
  report(epoch: number, value: number): boolean {
    if (!this.rungSet.has(epoch)) return true;
    const list = this.rungs.get(epoch) ?? [];
    list.push(value);
    this.rungs.set(epoch, list);
    return ashaContinues(value, list, this.eta, this.higherIsBetter);
  }
}
