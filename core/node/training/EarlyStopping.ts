export interface EarlyStoppingConfig {
  /** Metric name in the epoch record, e.g. `val_loss`, `val_accuracy`, `loss`. */
  monitor: string;
  /** Epochs without improvement before stopping; 0 never stops. */
  patience: number;
  /** The least change that counts as an improvement. */
  minDelta: number;
}

/** Whether a larger value of the metric is better (accuracy-like) or a smaller one (loss-like). */
export function higherIsBetter(metric: string): boolean {
  return /acc|auc|f1|precision|recall|r2/i.test(metric);
}

/** Tracks the best epoch of a monitored metric and says when patience has run out. */
export class EarlyStopping {
  best = NaN;
  bestEpoch = -1;
  private wait = 0;
  private readonly sign: number;

  constructor(private readonly cfg: EarlyStoppingConfig) {
    this.sign = higherIsBetter(cfg.monitor) ? 1 : -1;
  }

  /** Records one epoch; `improved` when it is the best so far by more than `minDelta`. */
  update(epoch: number, metrics: Record<string, number>): { improved: boolean; stop: boolean } {
    const v = metrics[this.cfg.monitor];
    if (v === undefined || !Number.isFinite(v)) {
      this.wait++;
      return { improved: false, stop: this.cfg.patience > 0 && this.wait >= this.cfg.patience };
    }
    const improved = this.bestEpoch < 0 || this.sign * (v - this.best) > this.cfg.minDelta;
    if (improved) {
      this.best = v;
      this.bestEpoch = epoch;
      this.wait = 0;
    } else {
      this.wait++;
    }
    return { improved, stop: this.cfg.patience > 0 && this.wait >= this.cfg.patience };
  }
}
