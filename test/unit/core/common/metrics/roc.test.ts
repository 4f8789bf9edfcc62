import { describe, expect, it } from 'vitest';
import { classificationMetrics, rocCurve, rocOneVsRest, trapezoidArea } from '../../../../../core/common/metrics';

describe('ROC (sklearn roc_curve / roc_auc_score)', () => {
  it('reproduces sklearn’s documented roc_curve example', () => {
    // sklearn docs: y = [1,1,2,2], scores = [0.1,0.4,0.35,0.8], pos_label=2
    //   fpr [0, 0, .5, .5, 1], tpr [0, .5, .5, 1, 1], thresholds [inf, .8, .4, .35, .1]
    const c = rocCurve([false, false, true, true], [0.1, 0.4, 0.35, 0.8]);
    expect(c.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(c.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(c.thresholds).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    expect(trapezoidArea(c.fpr, c.tpr)).toBe(0.75);
  });

  it('tied scores make one diagonal step; AUC equals the Mann–Whitney count with ties as 1/2', () => {
    // positives .9 .8 .1, negatives .8 .3: pairs won 1+1, .8 vs .8 tie 0.5, .8>.3 1, .1 loses both → 3.5/6 = 7/12.
    const c = rocCurve([true, false, true, false, true], [0.9, 0.8, 0.8, 0.3, 0.1]);
    expect(c.fpr).toEqual([0, 0, 0.5, 1, 1]);
    expect(c.tpr.map((v) => v * 3)).toEqual([0, 1, 2, 2, 3]);
    expect(trapezoidArea(c.fpr, c.tpr)).toBeCloseTo(7 / 12, 12);
  });

  it('drop_intermediate removes collinear points', () => {
    // Sorted: T T T F → fps [0,0,0,1], tps [1,2,3,3]; the point after the first is collinear (dropped).
    const c = rocCurve([true, true, true, false], [0.9, 0.8, 0.7, 0.6]);
    expect(c.thresholds).toEqual([Infinity, 0.9, 0.7, 0.6]);
    expect(c.fpr).toEqual([0, 0, 0, 1]);
    expect(c.tpr.map((v) => v * 3)).toEqual([0, 1, 3, 3]);
    const all = rocCurve([true, true, true, false], [0.9, 0.8, 0.7, 0.6], false);
    expect(all.thresholds).toHaveLength(5);
  });

  it('one-vs-rest macro and weighted AUC with an absent class', () => {
    // 3 classes, class 2 never true. Class-0 scores: pos .6 .3 .9 vs neg .2 .5 → 5/6.
    // Class-1 scores: pos .7 .4 vs neg .3 .4 .05 → (3 + 2.5)/6 = 11/12.
    // macro = (5/6 + 11/12)/2 = 7/8; weighted = (3·5/6 + 2·11/12)/5 = 13/15; class 2: undefined.
    const y = [0, 1, 0, 1, 0];
    const p = [0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.3, 0.4, 0.3, 0.5, 0.4, 0.1, 0.9, 0.05, 0.05];
    const r = rocOneVsRest(y, p, 3);
    expect(r.curves[0].auc).toBeCloseTo(5 / 6, 12);
    expect(r.curves[1].auc).toBeCloseTo(11 / 12, 12);
    expect(Number.isNaN(r.curves[2].auc)).toBe(true);
    expect(r.macroAuc).toBeCloseTo(7 / 8, 12);
    expect(r.weightedAuc).toBeCloseTo(13 / 15, 12);
  });

  it('binary classification reports one curve for the second class', () => {
    const y = [0, 0, 1, 1];
    const p = [0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8];
    const m = classificationMetrics({ split: 'test', actual: y, probabilities: p, classNames: ['no', 'yes'] });
    expect(m.roc).toHaveLength(1);
    expect(m.roc![0].label).toBe('yes');
    expect(m.scalars.roc_auc).toBe(0.75);
  });
});
