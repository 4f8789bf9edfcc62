import { describe, expect, it } from 'vitest';
import {
  accuracy,
  balancedAccuracy,
  classificationMetrics,
  confusionMatrix,
  FLOAT32_EPS,
  logLoss,
  precisionRecallF1,
  topKAccuracy,
} from '../../../../../core/common/metrics';

// Hand-worked case: 4 classes, class 3 absent from both arrays.
//   yTrue = [0,0,0,1,1,2,2], yPred = [0,1,0,1,1,0,2]
//   confusion rows (actual): c0 [2,1,0,0], c1 [0,2,0,0], c2 [1,0,1,0], c3 [0,0,0,0]
//   c0: tp 2, predicted 3 → P 2/3, R 2/3, F1 4/6; c1: tp 2, predicted 3 → P 2/3, R 1, F1 4/5;
//   c2: tp 1, predicted 1 → P 1, R 1/2, F1 2/3.
//   macro over the 3 present classes: P 7/9, R 13/18, F1 (2/3+4/5+2/3)/3 = 32/45.
//   weighted by support (3,2,2)/7: P 16/21, R 5/7, F1 (2 + 1.6 + 4/3)/7 = 74/105.
const yTrue = [0, 0, 0, 1, 1, 2, 2];
const yPred = [0, 1, 0, 1, 1, 0, 2];

describe('classification metrics (sklearn definitions)', () => {
  it('confusion matrix and accuracy', () => {
    expect(confusionMatrix(yTrue, yPred, 4)).toEqual([
      [2, 1, 0, 0],
      [0, 2, 0, 0],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    expect(accuracy(yTrue, yPred)).toBeCloseTo(5 / 7, 12);
  });

  it('precision / recall / F1 per class and averaged, absent class listed but not averaged', () => {
    const r = precisionRecallF1(yTrue, yPred, 4);
    expect(r.averagedOver).toEqual([0, 1, 2]);
    const expected = [
      [2 / 3, 2 / 3, 2 / 3, 3],
      [2 / 3, 1, 4 / 5, 2],
      [1, 1 / 2, 2 / 3, 2],
      [0, 0, 0, 0],
    ];
    r.perClass.forEach((s, c) => {
      const [p, rc, f, sup] = expected[c];
      expect(s.precision).toBeCloseTo(p, 12);
      expect(s.recall).toBeCloseTo(rc, 12);
      expect(s.f1).toBeCloseTo(f, 12);
      expect(s.support).toBe(sup);
    });
    expect(r.macro.precision).toBeCloseTo(7 / 9, 12);
    expect(r.macro.recall).toBeCloseTo(13 / 18, 12);
    expect(r.macro.f1).toBeCloseTo(32 / 45, 12);
    expect(r.weighted.precision).toBeCloseTo(16 / 21, 12);
    expect(r.weighted.recall).toBeCloseTo(5 / 7, 12);
    expect(r.weighted.f1).toBeCloseTo(74 / 105, 12);
    // micro P = R = F1 = accuracy for single-label multiclass.
    expect(r.micro.f1).toBeCloseTo(5 / 7, 12);
  });

  it('zero_division=0: a never-predicted class scores precision 0, not NaN', () => {
    // yTrue [0,1,1], yPred [0,0,0]: c0 P 1/3 R 1 F1 2/(2+2) = 1/2; c1 tp 0 of 0 predicted → P 0, R 0, F1 0.
    const r = precisionRecallF1([0, 1, 1], [0, 0, 0], 2);
    expect(r.perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(r.macro.precision).toBeCloseTo(1 / 6, 12);
    expect(r.macro.recall).toBeCloseTo(1 / 2, 12);
    expect(r.macro.f1).toBeCloseTo(1 / 4, 12);
  });

  it('balanced accuracy averages recall over the classes present in y_true', () => {
    expect(balancedAccuracy(yTrue, yPred, 4)).toBeCloseTo(13 / 18, 12);
    // Class 1 is predicted but never true: sklearn leaves it out (with a warning) → recall of c0 = 1/2.
    expect(balancedAccuracy([0, 0], [0, 1], 2)).toBeCloseTo(0.5, 12);
  });

  it('log loss matches sklearn’s documented example and clips with float32 eps', () => {
    // sklearn docs: log_loss(["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]]) = 0.21616...
    // (ham = 0, spam = 1): -(ln .9 + ln .9 + ln .8 + ln .65)/4 = 0.2161619...
    expect(logLoss([1, 0, 0, 1], [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65], 2)).toBeCloseTo(0.2161619, 6);
    // p(true) = 0 is clipped to eps = 2^-23 → -ln(2^-23) = 23·ln 2.
    expect(logLoss([0], [0, 1], 2)).toBeCloseTo(23 * Math.LN2, 5);
    expect(FLOAT32_EPS).toBe(2 ** -23);
    // Rows are renormalised after clipping: [0.2, 0.2] → 0.5 → ln 2.
    expect(logLoss([0], [0.2, 0.2], 2)).toBeCloseTo(Math.LN2, 12);
  });

  it('top-k accuracy ranks ties with the higher class index first, like sklearn', () => {
    const probs = [0.4, 0.4, 0.2, 0.4, 0.4, 0.2, 0.1, 0.2, 0.7, 0.5, 0.3, 0.2];
    const t = [0, 1, 2, 2];
    // k=1: row0 true 0 loses the tie to class 1 (miss), row1 hit, row2 hit, row3 miss → 2/4.
    expect(topKAccuracy(t, probs, 3, 1)).toBe(0.5);
    // k=2: rows 0,1,2 hit; row3 true class scores lowest → 3/4.
    expect(topKAccuracy(t, probs, 3, 2)).toBe(0.75);
    expect(topKAccuracy(t, probs, 3, 3)).toBe(1);
  });

  it('classificationMetrics assembles scalars, tables, confusion and ROC', () => {
    // Argmax of these rows gives yPred above; probabilities are one-hot-ish.
    const probs: number[] = [];
    for (const p of yPred) for (let c = 0; c < 4; c++) probs.push(c === p ? 0.7 : 0.1);
    const m = classificationMetrics({
      split: 'test',
      actual: yTrue,
      probabilities: probs,
      classNames: ['a', 'b', 'c', 'd'],
      topK: [2],
    });
    expect(m.scalars.accuracy).toBeCloseTo(5 / 7, 12);
    expect(m.scalars.f1_macro).toBeCloseTo(32 / 45, 12);
    expect(m.scalars.f1_weighted).toBeCloseTo(74 / 105, 12);
    expect(m.scalars.log_loss).toBeCloseTo(-(5 * Math.log(0.7) + 2 * Math.log(0.1)) / 7, 6);
    expect(m.confusion?.[0]).toEqual([2, 1, 0, 0]);
    expect(m.roc).toHaveLength(4);
    expect(Number.isNaN(m.roc![3].auc)).toBe(true);
    expect(m.tables[0].rows).toHaveLength(6);
    expect(m.tables[1].columns).toEqual(['actual \\ predicted', 'a', 'b', 'c', 'd']);
  });
});
