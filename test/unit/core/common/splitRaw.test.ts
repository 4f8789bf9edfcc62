import { describe, expect, it } from 'vitest';
import type { TableValue } from '../../../../core/common';
import { fitScaler } from '../../../../core/common/nodes/prep/fitScaler';
import { seededRandom } from '../../../../core/common/nodes/prep/random';
import { splitParams } from '../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../core/common/nodes/prep/splitTable';
import { BUCKETED_ROWS, gatherColumn, rawColumnsAt, rawColumnsRange } from '../../../../core/common/splitRaw';

const N = 3 * BUCKETED_ROWS + 17;

/** Two numeric columns (one with missing values), a category and a binary label, `N` rows. */
function table(): TableValue {
  const r = seededRandom(11);
  const a = new Float64Array(N);
  const b = new Float64Array(N);
  const c: string[] = [];
  const y: string[] = [];
  for (let i = 0; i < N; i++) {
    a[i] = r() * 100 - 30;
    b[i] = r() < 0.2 ? NaN : r() * 1e-3;
    c.push(['p', 'q', 'r'][Math.floor(r() * 3)]);
    y.push(a[i] + r() * 20 > 20 ? 'yes' : 'no');
  }
  return {
    rowCount: N,
    columns: [
      { name: 'a', type: 'number', values: a },
      { name: 'b', type: 'number', values: b },
      { name: 'c', type: 'category', values: c },
      { name: 'y', type: 'category', values: y },
    ],
  };
}

describe('reading split rows through an index', () => {
  it('gathers long indexes bucket by bucket into index order', () => {
    const values = Float64Array.from({ length: N }, (_, i) => i * 1.5);
    const r = seededRandom(3);
    const idx = Int32Array.from({ length: N - 5 }, () => Math.floor(r() * N));
    const got = gatherColumn({ name: 'v', type: 'number', values }, idx).values as Float64Array;
    expect(got).toHaveLength(idx.length);
    for (let k = 0; k < idx.length; k++) expect(got[k]).toBe(idx[k] * 1.5);
  });

  it('split and standardize at 98k rows (half of them test rows, read bucket by bucket) give x as computed by hand from the source rows and fitted values', () => {
    const t = table();
    const { dataset } = splitTable(t, splitParams.parse({ target: 'y', validation: 0, test: 0.5, seed: 9 }));
    const scaled = fitScaler(dataset, { columns: [] }, 'standardize');
    const train = scaled.splits.train;
    const a = t.columns[0].values as Float64Array;
    const b = t.columns[1].values as Float64Array;
    const rows = Array.from(train.rowIds!, (id) => id - 1);
    const present = rows.map((i) => b[i]).filter((v) => !Number.isNaN(v));
    const bMean = present.reduce((s, v) => s + v, 0) / present.length;
    const fill = scaled.transforms.find((x) => x.kind === 'impute' && x.column === 'b');
    expect(fill?.kind === 'impute' && fill.value).toBeCloseTo(bMean, 15);
    const scale = (col: string) => scaled.transforms.find((x) => x.kind === 'standardize' && x.column === col)!;
    const sa = scale('a');
    const sb = scale('b');
    if (sa.kind !== 'standardize' || sb.kind !== 'standardize' || fill?.kind !== 'impute') throw new Error('kinds');
    const aValues = rows.map((i) => a[i]);
    const aMean = aValues.reduce((s, v) => s + v, 0) / aValues.length;
    expect(sa.mean).toBeCloseTo(aMean, 10);
    const width = 5;
    expect(scaled.featureNames).toEqual(['a', 'b', 'c=p', 'c=q', 'c=r']);
    for (let k = 0; k < train.n; k++) {
      const i = rows[k];
      const bv = Number.isNaN(b[i]) ? (fill.value as number) : b[i];
      expect(train.x[k * width]).toBe(Math.fround((a[i] - sa.mean) / sa.std));
      expect(train.x[k * width + 1]).toBe(Math.fround((bv - sb.mean) / sb.std));
      const cat = (t.columns[2].values as string[])[i];
      expect(Array.from(train.x.subarray(k * width + 2, k * width + 5))).toEqual(
        ['p', 'q', 'r'].map((c) => +(c === cat)),
      );
    }
    const test = scaled.splits.test;
    const testRows = Array.from(test.rowIds!, (id) => id - 1);
    for (let k = 0; k < test.n; k++) expect(test.x[k * width]).toBe(Math.fround((a[testRows[k]] - sa.mean) / sa.std));
    const some = [5, 0, test.n - 1];
    expect(Array.from(rawColumnsAt(test, some)![0].values as Float64Array)).toEqual(some.map((k) => a[testRows[k]]));
    expect(Array.from(rawColumnsRange(test, 2, 4)![1].values as Float64Array)).toEqual(
      [2, 3].map((k) => b[testRows[k]]),
    );
  });
});
