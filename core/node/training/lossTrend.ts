import type { EpochRecord } from '../../common';

/** Relative drop of the training loss over the last epoch at and above which training counts as unfinished. */
export const STEEP_DROP = 0.02;

/**
 * Whether the training loss was still falling steeply when training ended: lower in each of the
 * last two epochs than in the one before, and by at least `STEEP_DROP` (relative) in the last.
 */
export function lossStillDecreasing(history: readonly EpochRecord[]): boolean {
  const loss = history.map((h) => h.metrics.loss).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (loss.length < 3) return false;
  const [a, b, c] = loss.slice(-3) as [number, number, number];
  return a > b && b > c && (b - c) / Math.abs(b) >= STEEP_DROP;
}

/** The trainer's advice when `lossStillDecreasing`. */
export const STILL_DECREASING = 'loss still decreasing: try more epochs or a higher learning rate';
