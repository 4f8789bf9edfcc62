import { describe, expect, it } from 'vitest';
import type { DatasetValue, TableColumn } from '../../../../../../core/common';
import { assembleFeatures } from '../../../../../../core/common/transforms/features';
import { fitEncoder, onehotParams, ordinalParams } from '../../../../../../core/common/nodes/prep/fitEncoder';
import { fitScaler } from '../../../../../../core/common/nodes/prep/fitScaler';
import { fitImputer, imputeParams } from '../../../../../../core/common/nodes/prep/impute';
import { selectColumns, selectParams } from '../../../../../../core/common/nodes/prep/select';
import { shuffleTable } from '../../../../../../core/common/nodes/prep/shuffle';
import { splitParams } from '../../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../../core/common/nodes/prep/splitTable';

const num = (name: string, v: number[]): TableColumn => ({ name, type: 'number', values: Float64Array.from(v) });
const cat = (name: string, v: (string | null)[]): TableColumn => ({ name, type: 'category', values: v });

/** A hand-built dataset: train x = 1,2,3,4 and validation x = 100, 1000 (far outside train). */
function dataset(valX = [100, 1000]): DatasetValue {
  const trainRaw = [num('x', [1, 2, 3, 4]), cat('c', ['a', 'b', 'b', 'a'])];
  const valRaw = [num('x', valX), cat('c', ['b', 'z'])];
  const rawFeatures = [
    { name: 'x', type: 'number' as const },
    { name: 'c', type: 'category' as const },
  ];
  const transforms = [{ kind: 'onehot' as const, column: 'c', categories: ['a', 'b'], unknown: 'ignore' as const }];
  return {
    task: 'regression',
    featureShape: [3],
    rawFeatures,
    transforms,
    splits: {
      train: { n: 4, raw: trainRaw, x: assembleFeatures(trainRaw, rawFeatures, transforms, 4), y: new Float32Array(4) },
      validation: {
        n: 2,
        raw: valRaw,
        x: assembleFeatures(valRaw, rawFeatures, transforms, 2),
        y: new Float32Array(2),
      },
    },
  };
}

describe('preprocessing fits on train only', () => {
  it('standardize: train mean 2.5 and population std sqrt(1.25); validation never touches them', () => {
    const out = fitScaler(dataset(), { columns: [] }, 'standardize');
    const t = out.transforms.at(-1)!;
    expect(t).toMatchObject({ kind: 'standardize', column: 'x', mean: 2.5 });
    expect(t.kind === 'standardize' && t.std).toBeCloseTo(Math.sqrt(1.25), 12);
    // leakage check: wildly different validation data gives the identical scaler
    const other = fitScaler(dataset([-5e6, 7e9]), { columns: [] }, 'standardize');
    expect(other.transforms).toEqual(out.transforms);
    const v = out.splits.validation.x;
    expect(v[0]).toBeCloseTo((100 - 2.5) / Math.sqrt(1.25), 4);
    expect(Array.from(v.slice(1, 3))).toEqual([0, 1]);
    expect(Array.from(out.splits.train.x.filter((_, i) => i % 3 === 0)).map((x) => Number(x.toFixed(4)))).toEqual(
      [1, 2, 3, 4].map((x) => Number(((x - 2.5) / Math.sqrt(1.25)).toFixed(4))),
    );
  });

  it('minmax: train range [1, 4]; validation 100 maps to 33', () => {
    const out = fitScaler(dataset(), { columns: ['x'] }, 'minmax');
    expect(out.transforms.at(-1)).toEqual({ kind: 'minmax', column: 'x', min: 1, max: 4 });
    expect(out.splits.validation.x[0]).toBeCloseTo(33, 5);
    expect(() => fitScaler(dataset(), { columns: ['c'] }, 'minmax')).toThrow(/'c' is not numeric/);
  });

  it('impute: median, most frequent and constant from the train split', () => {
    const ds = dataset();
    ds.splits.train.raw = [num('x', [1, NaN, 3, 10]), cat('c', ['a', 'b', 'b', null])];
    ds.splits.validation.raw = [num('x', [NaN, 5]), cat('c', [null, 'a'])];
    const median = fitImputer(ds, imputeParams.parse({ strategy: 'median', columns: ['x'] }));
    expect(median.transforms.find((t) => t.column === 'x')).toEqual({
      kind: 'impute',
      column: 'x',
      strategy: 'median',
      value: 3,
    });
    expect(median.splits.validation.x[0]).toBe(3);
    const mean = fitImputer(ds, imputeParams.parse({ strategy: 'mean', columns: ['x'] }));
    expect(mean.transforms.find((t) => t.column === 'x')).toMatchObject({ value: 14 / 3 });
    const freq = fitImputer(ds, imputeParams.parse({ strategy: 'most_frequent', columns: ['c'] }));
    const imp = freq.transforms.find((t) => t.column === 'c');
    expect(imp).toEqual({ kind: 'impute', column: 'c', strategy: 'most_frequent', value: 'b' });
    // validation row 0 had a missing category: it is now 'b' → one-hot [0, 1]
    expect(Array.from(freq.splits.validation.x.slice(1, 3))).toEqual([0, 1]);
    const constant = fitImputer(ds, imputeParams.parse({ strategy: 'constant', fillValue: '-1' }));
    expect(constant.transforms.find((t) => t.column === 'x')).toMatchObject({ value: -1 });
    expect(constant.transforms.find((t) => t.column === 'c')).toMatchObject({ value: '-1' });
  });

  it("impute (mean) on a split table: each column's mean over its training rows, summed together", () => {
    const n = 40;
    const a = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : i * 1.5 - 3));
    const b = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? NaN : 100 - i * i));
    const c = Array.from({ length: n }, (_, i) => (i < 30 ? NaN : i));
    const table = {
      rowCount: n,
      columns: [
        num('a', a),
        num('b', b),
        num('c', c),
        num(
          'd',
          Array.from({ length: n }, (_, i) => i),
        ),
        cat(
          'k',
          Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : 'k' + (i % 2))),
        ),
        num(
          'y',
          Array.from({ length: n }, (_, i) => i % 2),
        ),
      ],
    };
    const split = splitTable(
      table,
      splitParams.parse({ target: 'y', task: 'regression', train: 0.75, validation: 0, test: 0.25, seed: 3 }),
    ).dataset;
    const rows = Array.from(split.splits.train.rawRows!);
    // column c has values only in rows 30..39: give it none among the training rows
    const cTrain = rows.filter((r) => r >= 30);
    for (const r of cTrain) c[r] = NaN;
    table.columns[2] = num('c', c);
    const ds = splitTable(
      table,
      splitParams.parse({ target: 'y', task: 'regression', train: 0.75, validation: 0, test: 0.25, seed: 3 }),
    ).dataset;
    expect(Array.from(ds.splits.train.rawRows!)).toEqual(rows);
    // no value on the training rows: refused by name (the summed path leaves it to the column's own fit)
    expect(() => fitImputer(ds, imputeParams.parse({ strategy: 'mean' }))).toThrow(
      /column 'c' has no values in the training split/,
    );
    const out = fitImputer(ds, imputeParams.parse({ strategy: 'mean', columns: ['a', 'b', 'd'] }));
    const meanOver = (v: number[]): number => {
      const present = rows.map((r) => v[r]).filter((x) => !Number.isNaN(x));
      return present.reduce((s, x) => s + x, 0) / present.length;
    };
    const value = (col: string) =>
      (out.transforms.find((t) => t.kind === 'impute' && t.column === col) as { value: number } | undefined)?.value;
    expect(value('a')).toBeCloseTo(meanOver(a), 12);
    expect(value('b')).toBeCloseTo(meanOver(b), 12);
    // the test rows do not count: the mean over every row is another number
    const all = a.filter((x) => !Number.isNaN(x));
    expect(value('a')).not.toBeCloseTo(all.reduce((s, x) => s + x, 0) / all.length, 3);
  });

  it('one-hot and ordinal: categories from train, unknown ones handled as asked', () => {
    const ds = dataset();
    const ig = fitEncoder(ds, 'onehot', onehotParams.parse({}));
    expect(ig.featureNames).toEqual(['x', 'c=a', 'c=b']);
    expect(Array.from(ig.splits.validation.x.slice(3, 6))).toEqual([1000, 0, 0]);
    expect(() => fitEncoder(ds, 'onehot', onehotParams.parse({ unknown: 'error' }))).toThrow(
      /unknown category "z" in column 'c'/,
    );
    const ord = fitEncoder(ds, 'ordinal', ordinalParams.parse({ unknown: -1 }));
    expect(ord.transforms).toEqual([{ kind: 'ordinal', column: 'c', categories: ['a', 'b'], unknown: -1 }]);
    expect(ord.featureShape).toEqual([2]);
    expect(Array.from(ord.splits.validation.x)).toEqual([100, 1, 1000, -1]);
  });

  it('select keeps or drops columns; shuffle is seeded and keeps rows together', () => {
    const table = { rowCount: 5, columns: [num('a', [1, 2, 3, 4, 5]), cat('b', ['1', '2', '3', '4', '5'])] };
    expect(selectColumns(table, selectParams.parse({ columns: ['b'] })).columns.map((c) => c.name)).toEqual(['b']);
    expect(
      selectColumns(table, selectParams.parse({ columns: ['b'], mode: 'drop' })).columns.map((c) => c.name),
    ).toEqual(['a']);
    expect(() => selectColumns(table, selectParams.parse({ columns: ['q'] }))).toThrow(/no column 'q'/);
    const s1 = shuffleTable(table, 3);
    const s2 = shuffleTable(table, 3);
    expect(s1).toEqual(s2);
    const a = Array.from(s1.columns[0].values as Float64Array);
    expect([...a].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(s1.columns[1].values).toEqual(a.map(String));
  });
});
