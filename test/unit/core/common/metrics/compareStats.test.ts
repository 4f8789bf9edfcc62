import { describe, expect, it } from 'vitest';
import {
  correctedPairedTTest,
  kFolds,
  meanStd,
  predictionScores,
  studentTwoSidedP,
} from '../../../../../core/common/metrics';
import oracle from '../../../../fixtures/compare/sklearn_compare.json';

describe('kFolds', () => {
  it('gives disjoint held-out folds that cover every row once, stratified by class', () => {
    const y = [...Array(23).fill(0), ...Array(11).fill(1), ...Array(7).fill(2)];
    const folds = kFolds(y.length, 5, 2, 7, y);
    expect(folds).toHaveLength(10);
    for (const r of [0, 1]) {
      const mine = folds.filter((f) => f.repeat === r);
      const seen = new Int32Array(y.length);
      for (const f of mine) {
        for (const i of f.test) seen[i]++;
        expect(new Set([...f.train, ...f.test]).size).toBe(y.length);
        expect([...f.train].some((i) => f.test.includes(i))).toBe(false);
        for (const [c, total] of [
          [0, 23],
          [1, 11],
          [2, 7],
        ]) {
          const count = [...f.test].filter((i) => y[i] === c).length;
          expect(count).toBeGreaterThanOrEqual(Math.floor(total / 5));
          expect(count).toBeLessThanOrEqual(Math.ceil(total / 5));
        }
      }
      expect([...seen].every((s) => s === 1)).toBe(true);
      const sizes = mine.map((f) => f.test.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(Array.from(folds[0].test)).not.toEqual(Array.from(folds[5].test));
  });

  it('pins the breast_cancer folds the scikit-learn oracle was recorded on', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const fixture = JSON.parse(
      readFileSync(path.resolve(__dirname, '../../../../fixtures/compare/folds.json'), 'utf8'),
    ) as { test: number[][] };
    const csv = readFileSync(path.resolve(__dirname, '../../../../../resources/data/breast_cancer.csv'), 'utf8');
    const y = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => (l.endsWith('benign') ? 0 : 1));
    expect(kFolds(y.length, 5, 1, 42, y).map((f) => Array.from(f.test))).toEqual(fixture.test);
  });
});

describe('paired test', () => {
  it("Student's t two-sided p-values equal scipy's", () => {
    for (const c of oracle.studentP) expect(studentTwoSidedP(c.t, c.df)).toBeCloseTo(c.p, 9);
  });

  it('corrected resampled t-test by hand: d = [0.1, 0, 0.05], nTest/nTrain = 0.5', () => {
    const r = correctedPairedTTest([0.9, 0.8, 0.85], [0.8, 0.8, 0.8], 0.5);
    const t = 0.05 / Math.sqrt((1 / 3 + 0.5) * 0.0025);
    expect(r.t).toBeCloseTo(t, 12);
    expect(r.df).toBe(2);
    expect(r.p).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12);
    expect(correctedPairedTTest([0.9, 0.9], [0.9, 0.9], 0.25).p).toBe(1);
  });

  it('on scikit-learn per-fold accuracies equals the formula evaluated with scipy', () => {
    const a = oracle.learners.logistic.accuracy.folds;
    const b = oracle.learners.bayes.accuracy.folds;
    const r = correctedPairedTTest(a, b, oracle.pairedTest.ratio);
    expect(r.t).toBeCloseTo(oracle.pairedTest.t, 9);
    expect(r.p).toBeCloseTo(oracle.pairedTest.p, 9);
  });
});

describe('predictionScores', () => {
  it('binary case by hand', () => {
    const s = predictionScores('classification', [0, 0, 1, 1], [0.9, 0.1, 0.4, 0.6, 0.35, 0.65, 0.2, 0.8], 2);
    expect(s.accuracy).toBeCloseTo(0.75, 12);
    expect(s.balanced_accuracy).toBeCloseTo(0.75, 12);
    expect(s.f1_macro).toBeCloseTo((2 / 3 + 0.8) / 2, 6);
    expect(s.roc_auc).toBeCloseTo(1, 12);
    expect(s.log_loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.4) + Math.log(0.65) + Math.log(0.8)) / 4, 6);
  });

  it('regression case by hand', () => {
    const s = predictionScores('regression', [1, 2, 3], [1.5, 2, 2], 1);
    expect(s.mse).toBeCloseTo((0.25 + 0 + 1) / 3, 12);
    expect(s.mae).toBeCloseTo(0.5, 12);
    expect(s.r2).toBeCloseTo(1 - 1.25 / 2, 12);
  });

  it('meanStd is numpy mean and std (ddof 0) and skips NaN', () => {
    expect(meanStd([1, 2, 3, 4, NaN])).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
  });
});
