import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { trainValidation } from '../../../../../core/node/training/holdout';
import { splitMetrics } from '../../../../../core/node/training/Validator';

describe('splitMetrics', () => {
  const probs = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.3, 0.6]);
  const split = { x: new Float32Array(0), y: Int32Array.from([0, 1]), n: 2 };

  it('cross-entropy and accuracy from probabilities (hand-computed)', () => {
    const m = splitMetrics(probs, 3, split, 'classification', 'cross_entropy');
    expect(m.loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.3)) / 2, 6);
    expect(m.accuracy).toBe(0.5);
  });

  it('label smoothing spreads eps over the classes as the training loss does', () => {
    const eps = 0.3;
    const t = (hit: boolean): number => (hit ? 1 - eps : 0) + eps / 3;
    const row0 = -(t(true) * Math.log(0.7) + t(false) * Math.log(0.2) + t(false) * Math.log(0.1));
    const row1 = -(t(false) * Math.log(0.1) + t(true) * Math.log(0.3) + t(false) * Math.log(0.6));
    expect(splitMetrics(probs, 3, split, 'classification', 'cross_entropy', eps).loss).toBeCloseTo(
      (row0 + row1) / 2,
      6,
    );
  });

  it('regression losses: MSE, MAE and Huber (delta 1)', () => {
    const out = Float32Array.from([1, 2, 5]);
    const reg = { x: new Float32Array(0), y: Float32Array.from([1.5, 2, 2]), n: 3 };
    expect(splitMetrics(out, 1, reg, 'regression', 'mse').loss).toBeCloseTo((0.25 + 0 + 9) / 3, 6);
    expect(splitMetrics(out, 1, reg, 'regression', 'mae').loss).toBeCloseTo((0.5 + 0 + 3) / 3, 6);
    expect(splitMetrics(out, 1, reg, 'regression', 'huber').loss).toBeCloseTo((0.125 + 0 + 2.5) / 3, 6);
    expect(splitMetrics(out, 1, reg, 'regression', 'mse').accuracy).toBeUndefined();
  });
});

describe('trainValidation', () => {
  const data = (withValidation: boolean): DatasetValue => ({
    task: 'classification',
    featureShape: [2],
    transforms: [],
    splits: {
      train: {
        x: Float32Array.from({ length: 40 }, (_, i) => i),
        y: Int32Array.from({ length: 20 }, (_, i) => i % 2),
        n: 20,
      },
      ...(withValidation ? { validation: { x: Float32Array.from([0, 0]), y: Int32Array.from([1]), n: 1 } } : {}),
    },
  });

  it('uses the dataset validation split when it has one', () => {
    const tv = trainValidation(data(true), 0.5, 1);
    expect(tv.source).toBe('dataset');
    expect(tv.train.n).toBe(20);
    expect(tv.validation?.n).toBe(1);
  });

  it('otherwise holds out a seeded fraction: disjoint rows, features and labels kept together', () => {
    const a = trainValidation(data(false), 0.25, 1);
    expect(a.source).toBe('holdout');
    expect([a.train.n, a.validation!.n]).toEqual([15, 5]);
    const rows = (s: { x: Float32Array }): number[] => Array.from({ length: s.x.length / 2 }, (_, i) => s.x[2 * i] / 2);
    const all = [...rows(a.train), ...rows(a.validation!)].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    rows(a.validation!).forEach((r, i) => expect(a.validation!.y[i]).toBe(r % 2));
    expect(rows(trainValidation(data(false), 0.25, 1).validation!)).toEqual(rows(a.validation!));
    expect(rows(trainValidation(data(false), 0.25, 2).validation!)).not.toEqual(rows(a.validation!));
    expect(trainValidation(data(false), 0, 1).source).toBe('none');
  });
});
