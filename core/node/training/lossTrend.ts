import type { EpochRecord } from '../../common';

/** Relative drop of the training loss over the last epoch at and above which training counts as unfinished. */
const STEEP_DROP = 0.02;
/** Share of the whole run's loss decrease that the last epoch must still bring. */
const STEEP_SHARE = 0.05;

/**
 * Whether the training loss was still falling steeply when training ended: lower in each of the
 * last two epochs than in the one before, and in the last by at least 2% of its value and 5% of
 * the decrease since the first epoch (a converging curve that creeps down is not flagged).
 */
export function lossStillDecreasing(history: readonly EpochRecord[]): boolean {
  const loss = history.map((h) => h.metrics.loss).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (loss.length < 3) return false;
  const [a, b, c] = loss.slice(-3) as [number, number, number];
  const total = loss[0] - c;
  return a > b && b > c && (b - c) / Math.abs(b) >= STEEP_DROP && (b - c) / total >= STEEP_SHARE;
}

/** The trainer's advice when `lossStillDecreasing`. */
export const STILL_DECREASING = 'loss still decreasing: try more epochs or a higher learning rate';
