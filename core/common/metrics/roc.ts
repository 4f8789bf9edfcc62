/** ROC curves and areas with scikit-learn's definitions (`roc_curve`, `auc`, `roc_auc_score`). */

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is `Infinity` (the point (0, 0)), as in sklearn ≥ 1.3. */
  thresholds: number[];
}

/**
 * sklearn `roc_curve(y_true, y_score, drop_intermediate=True)`: one point per distinct score
 * (tied scores move together, so ties give diagonal steps), collinear intermediate points dropped.
 * `positive[i]` says whether sample i is of the positive class. With no positives (or no
 * negatives) the tpr (fpr) is NaN, where sklearn warns.
 */
export function rocCurve(positive: ArrayLike<boolean>, score: ArrayLike<number>, dropIntermediate = true): RocCurve {
  const n = score.length;
  if (positive.length !== n) throw new Error(`rocCurve: ${positive.length} labels but ${n} scores`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || b - a);
  let fps: number[] = [];
  let tps: number[] = [];
  let thresholds: number[] = [];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (positive[i]) tp++;
    const next = order[r + 1];
    if (next === undefined || score[next] !== score[i]) {
      tps.push(tp);
      fps.push(r + 1 - tp);
      thresholds.push(score[i]);
    }
  }
  if (dropIntermediate && fps.length > 2) {
    const keep = fps.map(
      (_, j) =>
        j === 0 ||
        j === fps.length - 1 ||
        fps[j - 1] - 2 * fps[j] + fps[j + 1] !== 0 ||
        tps[j - 1] - 2 * tps[j] + tps[j + 1] !== 0,
    );
    fps = fps.filter((_, j) => keep[j]);
    tps = tps.filter((_, j) => keep[j]);
    thresholds = thresholds.filter((_, j) => keep[j]);
  }
  const P = tps[tps.length - 1] ?? 0;
  const N = fps[fps.length - 1] ?? 0;
  return {
    fpr: [0, ...fps].map((v) => (N === 0 ? NaN : v / N)),
    tpr: [0, ...tps].map((v) => (P === 0 ? NaN : v / P)),
    thresholds: [Infinity, ...thresholds],
  };
}

/** Trapezoidal area under a curve with increasing x (sklearn `auc`). */
export function trapezoidArea(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

export interface OvrRoc {
  /** Per class; `auc` is NaN for a class that is absent from (or is all of) the true labels. */
  curves: (RocCurve & { auc: number })[];
  /** Mean of the defined per-class AUCs (sklearn `roc_auc_score(multi_class='ovr', average='macro')`). */
  macroAuc: number;
  /** Per-class AUCs weighted by true-class prevalence (`average='weighted'`). */
  weightedAuc: number;
}

/**
 * One-vs-rest ROC per class from `n × classes` probabilities. Where sklearn raises because a class
 * has no positive or no negative sample, that class's AUC is NaN and the averages skip it.
 */
export function rocOneVsRest(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number): OvrRoc {
  const n = yTrue.length;
  const curves: OvrRoc['curves'] = [];
  let macro = 0;
  let defined = 0;
  let weighted = 0;
  let weightTotal = 0;
  for (let c = 0; c < classes; c++) {
    const positive = Array.from({ length: n }, (_, i) => yTrue[i] === c);
    const score = Array.from({ length: n }, (_, i) => probabilities[i * classes + c]);
    const curve = rocCurve(positive, score);
    const support = positive.filter(Boolean).length;
    const auc = support === 0 || support === n ? NaN : trapezoidArea(curve.fpr, curve.tpr);
    curves.push({ ...curve, auc });
    if (!Number.isNaN(auc)) {
      macro += auc;
      defined++;
      weighted += support * auc;
      weightTotal += support;
    }
  }
  return { curves, macroAuc: defined ? macro / defined : NaN, weightedAuc: weightTotal ? weighted / weightTotal : NaN };
}
