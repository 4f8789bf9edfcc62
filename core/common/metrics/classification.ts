/**
 * Classification metrics with scikit-learn's definitions. Labels are class indices `0..k-1`;
 * probabilities are row-major `n × k`.
 */

export type Labels = ArrayLike<number>;

function checkSameLength(a: Labels, b: Labels, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} true labels but ${b.length} predictions`);
}

/** `confusion[actual][predicted]` over classes `0..classes-1` (sklearn `confusion_matrix(labels=range(k))`). */
export function confusionMatrix(yTrue: Labels, yPred: Labels, classes: number): number[][] {
  checkSameLength(yTrue, yPred, 'confusionMatrix');
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (t < 0 || t >= classes || p < 0 || p >= classes)
      throw new Error(`confusionMatrix: label out of range at row ${i}`);
    m[t][p] += 1;
  }
  return m;
}

/** Fraction of exact matches (sklearn `accuracy_score`). */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  checkSameLength(yTrue, yPred, 'accuracy');
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return yTrue.length === 0 ? NaN : hit / yTrue.length;
}

/** Classes occurring in either array, ascending (sklearn `unique_labels(y_true, y_pred)`). */
export function presentLabels(yTrue: Labels, yPred: Labels, classes: number): number[] {
  const seen = new Uint8Array(classes);
  for (let i = 0; i < yTrue.length; i++) seen[yTrue[i]] = 1;
  for (let i = 0; i < yPred.length; i++) seen[yPred[i]] = 1;
  const out: number[] = [];
  seen.forEach((s, c) => s && out.push(c));
  return out;
}

/**
 * Mean per-class recall over the classes present in `yTrue` (sklearn `balanced_accuracy_score`:
 * classes only predicted, never true, have undefined recall and are left out).
 */
export function balancedAccuracy(yTrue: Labels, yPred: Labels, classes: number): number {
  const cm = confusionMatrix(yTrue, yPred, classes);
  let sum = 0;
  let count = 0;
  cm.forEach((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    if (support > 0) {
      sum += row[c] / support;
      count++;
    }
  });
  return count === 0 ? NaN : sum / count;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true samples of the class. */
  support: number;
}

export interface PrecisionRecallF1 {
  perClass: ClassScores[];
  macro: ClassScores;
  weighted: ClassScores;
  micro: ClassScores;
  /** The classes the averages run over: those in `yTrue` or `yPred` (sklearn's default `labels=None`). */
  averagedOver: number[];
}

const divide = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/**
 * Precision, recall and F1 per class and averaged, as sklearn `precision_recall_fscore_support`
 * with `zero_division=0`: a 0/0 ratio counts as 0. F1 is `2·tp / (2·tp + fp + fn)`, which is 0
 * whenever precision and recall are both 0. Macro and weighted averages run over the classes that
 * occur in `yTrue` or `yPred`; a class absent from both is listed per class with zeros but not
 * averaged, as sklearn does when `labels` is not given.
 */
export function precisionRecallF1(yTrue: Labels, yPred: Labels, classes: number): PrecisionRecallF1 {
  const cm = confusionMatrix(yTrue, yPred, classes);
  const perClass: ClassScores[] = [];
  let tpAll = 0;
  let fpAll = 0;
  let fnAll = 0;
  for (let c = 0; c < classes; c++) {
    const tp = cm[c][c];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < classes; j++) {
      support += cm[c][j];
      predicted += cm[j][c];
    }
    const fp = predicted - tp;
    const fn = support - tp;
    tpAll += tp;
    fpAll += fp;
    fnAll += fn;
    perClass.push({
      precision: divide(tp, tp + fp),
      recall: divide(tp, tp + fn),
      f1: divide(2 * tp, 2 * tp + fp + fn),
      support,
    });
  }
  const averagedOver = presentLabels(yTrue, yPred, classes);
  const total = averagedOver.reduce((a, c) => a + perClass[c].support, 0);
  const average = (weight: (s: ClassScores) => number, norm: number): ClassScores => {
    const acc = { precision: 0, recall: 0, f1: 0, support: total };
    for (const c of averagedOver) {
      const s = perClass[c];
      acc.precision += weight(s) * s.precision;
      acc.recall += weight(s) * s.recall;
      acc.f1 += weight(s) * s.f1;
    }
    return {
      ...acc,
      precision: divide(acc.precision, norm),
      recall: divide(acc.recall, norm),
      f1: divide(acc.f1, norm),
    };
  };
  return {
    perClass,
    macro: average(() => 1, averagedOver.length),
    weighted: average((s) => s.support, total),
    micro: {
      precision: divide(tpAll, tpAll + fpAll),
      recall: divide(tpAll, tpAll + fnAll),
      f1: divide(2 * tpAll, 2 * tpAll + fpAll + fnAll),
      support: total,
    },
    averagedOver,
  };
}

/** Float32 machine epsilon: sklearn's `eps="auto"` is `np.finfo(y_pred.dtype).eps`, and our probabilities are float32. */
export const FLOAT32_EPS = 1.1920928955078125e-7;

/**
 * Mean negative log-likelihood (sklearn `log_loss`, `labels=range(k)`): probabilities are clipped
 * to `[eps, 1 - eps]`, then each row is divided by its sum, then `-mean(log p[true])`.
 */
export function logLoss(yTrue: Labels, probabilities: ArrayLike<number>, classes: number, eps = FLOAT32_EPS): number {
  const n = yTrue.length;
  if (probabilities.length !== n * classes)
    throw new Error(`logLoss: expected ${n}×${classes} probabilities, got ${probabilities.length}`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let c = 0; c < classes; c++) rowSum += Math.min(1 - eps, Math.max(eps, probabilities[i * classes + c]));
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i * classes + yTrue[i]]));
    total -= Math.log(p / rowSum);
  }
  return n === 0 ? NaN : total / n;
}

/**
 * Fraction of samples whose true class is among the `k` highest scores (sklearn
 * `top_k_accuracy_score`). Ties rank as sklearn's stable argsort reversed: among equal scores the
 * higher class index ranks first.
 */
export function topKAccuracy(yTrue: Labels, probabilities: ArrayLike<number>, classes: number, k: number): number {
  const n = yTrue.length;
  if (probabilities.length !== n * classes)
    throw new Error(`topKAccuracy: expected ${n}×${classes} probabilities, got ${probabilities.length}`);
  if (k >= classes) return n === 0 ? NaN : 1;
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    const st = probabilities[i * classes + t];
    let ahead = 0;
    for (let c = 0; c < classes; c++) {
      const s = probabilities[i * classes + c];
      if (s > st || (s === st && c > t)) ahead++;
    }
    if (ahead < k) hit++;
  }
  return n === 0 ? NaN : hit / n;
}

/** Index of the largest probability per row; the first on ties (numpy `argmax`, ONNX `ArgMax`). */
export function argmaxRows(probabilities: ArrayLike<number>, classes: number): Int32Array {
  const n = Math.floor(probabilities.length / classes);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
    out[i] = best;
  }
  return out;
}
