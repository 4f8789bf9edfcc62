import { seededRandom, shuffleInPlace } from '../nodes/prep/random';

/** One cross-validation fold: row indices (ascending) that fit, and those held out to score. */
export interface Fold {
  /** 0-based repeat of the k-fold split. */
  repeat: number;
  /** 0-based fold within the repeat. */
  fold: number;
  train: Int32Array;
  test: Int32Array;
}

/**
 * Splits rows `0..n-1` into `k` folds, `repeats` times, each repeat shuffled with its own seeded
 * stream. With `classes` (one class index per row) the folds are stratified: each class's rows are
 * shuffled and dealt round-robin, continuing where the previous class stopped, so every fold holds
 * ⌊n_c/k⌋ or ⌈n_c/k⌉ rows of class c and fold sizes differ by at most one.
 */
export function kFolds(n: number, k: number, repeats: number, seed: number, classes?: ArrayLike<number>): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`k must be an integer of at least 2 (got ${k})`);
  if (n < k) throw new Error(`${n} rows cannot be split into ${k} folds`);
  const folds: Fold[] = [];
  for (let r = 0; r < repeats; r++) {
    const random = seededRandom((seed + Math.imul(r, 0x9e3779b1)) >>> 0);
    const assign = new Int32Array(n);
    const groups = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = classes ? classes[i] : 0;
      let g = groups.get(c);
      if (!g) groups.set(c, (g = []));
      g.push(i);
    }
    let next = 0;
    for (const c of [...groups.keys()].sort((a, b) => a - b)) {
      const rows = shuffleInPlace(groups.get(c)!, random);
      for (const i of rows) {
        assign[i] = next;
        next = (next + 1) % k;
      }
    }
    for (let f = 0; f < k; f++) {
      const train: number[] = [];
      const test: number[] = [];
      for (let i = 0; i < n; i++) (assign[i] === f ? test : train).push(i);
      folds.push({ repeat: r, fold: f, train: Int32Array.from(train), test: Int32Array.from(test) });
    }
  }
  return folds;
}
