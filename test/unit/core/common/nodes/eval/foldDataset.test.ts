import { describe, expect, it } from 'vitest';
import type { DatasetValue, TableColumn } from '../../../../../../core/common';
import { foldDataset, pooledRows } from '../../../../../../core/common/nodes/eval/foldDataset';
import { refitTransforms } from '../../../../../../core/common/nodes/prep/refitTransforms';
import { withTransforms } from '../../../../../../core/common/nodes/prep/refitDataset';

const ages = [20, 30, 40, 50, 60, 70, 80, NaN];
const colors = ['red', 'blue', 'red', null, 'green', 'blue', 'red', 'blue'];

function tabular(): DatasetValue {
  const raw: TableColumn[] = [
    { name: 'age', type: 'number', values: Float64Array.from(ages) },
    { name: 'color', type: 'category', values: colors },
  ];
  const plain: DatasetValue = {
    task: 'classification',
    featureShape: [1],
    classNames: ['a', 'b'],
    rawFeatures: [
      { name: 'age', type: 'number' },
      { name: 'color', type: 'category' },
    ],
    transforms: [],
    splits: {
      train: {
        x: new Float32Array(0),
        y: Int32Array.from([0, 1, 0, 1, 0, 1]),
        n: 6,
        raw: raw.map((c) => ({ ...c, values: c.values.slice(0, 6) }) as TableColumn),
      },
      validation: {
        x: new Float32Array(0),
        y: Int32Array.from([0, 1]),
        n: 2,
        raw: raw.map((c) => ({ ...c, values: c.values.slice(6) }) as TableColumn),
      },
    },
  };
  return withTransforms(plain, [
    { kind: 'impute', column: 'age', strategy: 'mean', value: 35 },
    { kind: 'standardize', column: 'age', mean: 35, std: 10 },
    { kind: 'onehot', column: 'color', categories: ['blue', 'red'], unknown: 'ignore' },
  ]);
}

describe('foldDataset', () => {
  it('pools train and validation rows, then fits every step again on the fold training rows only', () => {
    const data = tabular();
    const rows = pooledRows(data, 'test');
    expect(rows.n).toBe(8);
    const train = [0, 2, 4, 5, 7];
    const test = [1, 3, 6];
    const fold = foldDataset(data, rows, train, test, 'test');
    // Training ages 20, 40, 60, 70 (row 7 is missing): the imputer's mean, then the scaler on the imputed values.
    const mean = (20 + 40 + 60 + 70) / 4;
    const imputed = [20, 40, 60, 70, mean];
    const m = imputed.reduce((a, b) => a + b, 0) / 5;
    const sd = Math.sqrt(imputed.reduce((a, b) => a + (b - m) ** 2, 0) / 5);
    const fullMean = (20 + 30 + 40 + 50 + 60 + 70 + 80) / 7;
    expect(fold.transforms[0]).toEqual({ kind: 'impute', column: 'age', strategy: 'mean', value: mean });
    const scaler = fold.transforms[1] as { mean: number; std: number };
    expect(scaler.mean).toBeCloseTo(m, 9);
    expect(scaler.std).toBeCloseTo(sd, 9);
    expect(scaler.mean).not.toBeCloseTo(fullMean, 3);
    // Colours of the training rows: red, red, green, blue, blue (sorted, unknown policy kept).
    expect(fold.transforms[2]).toEqual({
      kind: 'onehot',
      column: 'color',
      categories: ['blue', 'green', 'red'],
      unknown: 'ignore',
    });
    expect(fold.featureNames).toEqual(['age', 'color=blue', 'color=green', 'color=red']);
    // Held-out rows 1, 3, 6: ages 30, 50, 80; colours blue, missing, red.
    const x = Array.from(fold.splits.test.x);
    const expected = [(30 - m) / sd, 1, 0, 0, (50 - m) / sd, 0, 0, 0, (80 - m) / sd, 0, 0, 1];
    x.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(Array.from(fold.splits.test.y)).toEqual([1, 1, 0]);
    expect(fold.splits.train.n).toBe(5);
  });

  it('refitTransforms keeps a constant imputer and the ordinal unknown code', () => {
    const raw: TableColumn[] = [{ name: 'c', type: 'category', values: ['x', null, 'y'] }];
    const out = refitTransforms(
      [
        { kind: 'impute', column: 'c', strategy: 'constant', value: 'z' },
        { kind: 'ordinal', column: 'c', categories: ['q'], unknown: -1 },
      ],
      raw,
      3,
    );
    expect(out).toEqual([
      { kind: 'impute', column: 'c', strategy: 'constant', value: 'z' },
      { kind: 'ordinal', column: 'c', categories: ['x', 'y', 'z'], unknown: -1 },
    ]);
  });
});
