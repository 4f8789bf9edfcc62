import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { frameOf } from '../../../../../core/node/studio/dataFrame';

const dataset = (over: Partial<DatasetValue>): DatasetValue => ({
  task: 'regression',
  featureShape: [2],
  featureNames: ['a', 'b'],
  targetName: 'y',
  transforms: [],
  splits: {
    train: {
      x: Float32Array.from([1, 2, 3, 4, 5, 6]),
      y: Float32Array.from([10, 20, 30]),
      n: 3,
      rowIds: Int32Array.from([7, 3, 5]),
    },
  },
  ...over,
});

describe('frameOf', () => {
  it('turns a regression split into its feature columns and numeric target, with source row numbers', () => {
    const f = frameOf(dataset({}), 'train')!;
    expect(f.columns.map((c) => [c.name, c.type, Array.from(c.values as Float64Array)])).toEqual([
      ['a', 'number', [1, 3, 5]],
      ['b', 'number', [2, 4, 6]],
      ['y', 'number', [10, 20, 30]],
    ]);
    expect(f.classColumn).toBeUndefined();
    expect(Array.from(f.rowIds!)).toEqual([7, 3, 5]);
  });

  it('names the classes of a classification split in their order, and refuses a split the dataset lacks', () => {
    const ds = dataset({ task: 'classification', classNames: ['no', 'yes'] });
    ds.splits.train.y = Int32Array.from([1, 0, 1]);
    const f = frameOf(ds, 'train')!;
    expect(f.columns[2]).toEqual({ name: 'y', type: 'category', values: ['yes', 'no', 'yes'] });
    expect(f).toMatchObject({ classColumn: 'y', classOrder: ['no', 'yes'] });
    expect(frameOf(ds, 'test')).toBeUndefined();
    expect(frameOf(ds, undefined)).toBeUndefined();
  });

  it('takes a table as it is, its last column as the class when it looks like a label', () => {
    const t = {
      rowCount: 2,
      columns: [
        { name: 'x', type: 'number' as const, values: Float64Array.from([1, 2]) },
        { name: 'k', type: 'category' as const, values: ['a', 'b'] },
      ],
    };
    expect(frameOf(t, undefined)).toMatchObject({ rowCount: 2, classColumn: 'k' });
    expect(frameOf(t, 'train')).toBeUndefined();
    expect(frameOf({ scalars: {} }, undefined)).toBeUndefined();
  });
});
