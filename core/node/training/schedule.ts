/** Learning-rate schedules, evaluated on the host and fed to the step graph as a scalar each step. */
export interface ScheduleConfig {
  kind: 'constant' | 'step' | 'exponential' | 'cosine' | 'plateau';
  /** Linear warmup from ~0 to the base rate over this many epochs (counted in steps). @default 0 */
  warmupEpochs?: number;
  /** `step`: multiply by `gamma` every `stepSize` epochs. */
  stepSize?: number;
  /** `step` and `exponential`: the decay factor. */
  gamma?: number;
  /** `cosine` and `plateau`: the floor. @default 0 */
  minLr?: number;
  /** `plateau`: epochs without improvement of the monitored value before reducing. */
  patience?: number;
  /** `plateau`: the reduction factor. */
  factor?: number;
  /** `plateau`: the least change that counts as an improvement. @default 0 */
  minDelta?: number;
}

/**
 * One schedule over a run of `epochs × stepsPerEpoch` steps. `rate(epoch, step)` takes the
 * 0-based epoch and the 0-based step within it; `endEpoch(value)` feeds the monitored value
 * (lower is better) to `plateau`.
 */
export class LrSchedule {
  private reductions = 0;
  private best = Infinity;
  private wait = 0;

  constructor(
    private readonly base: number,
    private readonly cfg: ScheduleConfig,
    private readonly epochs: number,
    private readonly stepsPerEpoch: number,
  ) {}

  rate(epoch: number, step: number): number {
    const c = this.cfg;
    const global = epoch * this.stepsPerEpoch + step;
    const warmSteps = Math.round((c.warmupEpochs ?? 0) * this.stepsPerEpoch);
    if (global < warmSteps) return (this.base * (global + 1)) / warmSteps;
    const minLr = c.minLr ?? 0;
    switch (c.kind) {
      case 'constant':
        return this.base;
      case 'step':
        return this.base * (c.gamma ?? 0.1) ** Math.floor(epoch / Math.max(1, c.stepSize ?? 10));
      case 'exponential':
        return this.base * (c.gamma ?? 0.95) ** epoch;
      case 'cosine': {
        const total = Math.max(1, this.epochs * this.stepsPerEpoch - warmSteps);
        const t = Math.min(1, (global - warmSteps) / total);
        return minLr + ((this.base - minLr) * (1 + Math.cos(Math.PI * t))) / 2;
      }
      case 'plateau':
        return Math.max(minLr, this.base * (c.factor ?? 0.1) ** this.reductions);
    }
  }

  /** Records the epoch's monitored value (lower is better); `plateau` reduces after `patience` epochs without improvement. */
  endEpoch(value: number): void {
    if (this.cfg.kind !== 'plateau' || !Number.isFinite(value)) return;
    if (value < this.best - (this.cfg.minDelta ?? 0)) {
      this.best = value;
      this.wait = 0;
      return;
    }
    this.wait++;
    if (this.wait >= (this.cfg.patience ?? 5)) {
      this.reductions++;
      this.wait = 0;
    }
  }
}
