import { describe, expect, it } from 'vitest';
import type { TableColumn, TableValue } from '../../../../core/common';
import { pendingBytes } from '../../../../core/common/deferFeatures';
import { tableFingerprint } from '../../../../core/common/nodes/data/tableFingerprint';
import { seededRandom } from '../../../../core/common/nodes/prep/random';
import { shuffleTable } from '../../../../core/common/nodes/prep/shuffle';
import { splitParams } from '../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../core/common/nodes/prep/splitTable';
import { rawColumns } from '../../../../core/common/splitRaw';
import { estimateBytes } from '../../../../core/node/engine/cacheCodec';
import { referenceParts } from '../../../fixtures/split/referenceParts';

/** prep.shuffle's order, written out plainly: Fisher–Yates over 0..n-1 with the seed's stream. */
function plainOrder(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function source(n: number): TableValue {
  const r = seededRandom(8);
  return {
    rowCount: n,
    columns: [
      {
        name: 'a',
        type: 'number',
        values: Float64Array.from({ length: n }, (_, i) => (i % 11 === 3 ? NaN : r() * 50)),
      },
      { name: 'k', type: 'category', values: Array.from({ length: n }, (_, i) => (i % 13 === 5 ? null : `k${i % 4}`)) },
      { name: 'label', type: 'category', values: Array.from({ length: n }, () => (r() < 0.3 ? 'yes' : 'no')) },
    ],
  };
}

const valuesOf = (t: TableValue): unknown[][] => t.columns.map((c) => Array.from(c.values as ArrayLike<unknown>));

const gathered = (t: TableValue, order: number[]): TableValue => ({
  rowCount: t.rowCount,
  columns: t.columns.map(
    (c) =>
      ({
        name: c.name,
        type: c.type,
        values: Array.isArray(c.values)
          ? order.map((i) => (c.values as (string | null)[])[i])
          : Float64Array.from(order, (i) => (c.values as Float64Array)[i]),
      }) as TableColumn,
  ),
});

describe("prep.shuffle's columns", () => {
  it('are the seeded permutation of the rows, gathered only when read, twice shuffled composed', () => {
    for (const n of [1, 2, 7, 1000, 1001]) {
      const t = source(n);
      const order = plainOrder(n, 5);
      const s = shuffleTable(t, 5);
      expect(Array.from(s.rowIds!)).toEqual(order.map((i) => i + 1));
      for (const c of s.columns) expect(pendingBytes(c, 'values')).toBe(8 * n);
      expect(estimateBytes(s)).toBeGreaterThan(3 * 8 * n);
      for (const c of s.columns) expect(pendingBytes(c, 'values')).toBe(8 * n);
      expect(tableFingerprint(s)).toBe(tableFingerprint(gathered(t, order)));
      for (const c of s.columns) expect(pendingBytes(c, 'values')).toBe(8 * n);
      const twice = shuffleTable(s, 9);
      const order2 = plainOrder(n, 9).map((i) => order[i]);
      expect(tableFingerprint(twice)).toBe(tableFingerprint(gathered(t, order2)));
      expect(Array.from(twice.rowIds!)).toEqual(order2.map((i) => i + 1));
      expect(valuesOf(s)).toEqual(valuesOf(gathered(t, order)));
      for (const c of s.columns) expect(pendingBytes(c, 'values')).toBeUndefined();
      expect(valuesOf(twice)).toEqual(valuesOf(gathered(t, order2)));
    }
  });

  it('reach prep.split ungathered: each part holds the rows the split picks of the shuffled table, in ascending source order', () => {
    const n = 2003;
    const t = source(n);
    const order = plainOrder(n, 4);
    const label = t.columns[2].values as string[];
    const a = t.columns[0].values as Float64Array;
    for (const stratify of [true, false]) {
      const s = shuffleTable(t, 4);
      const { dataset } = splitTable(
        s,
        splitParams.parse({ target: 'label', train: 0.6, validation: 0.2, test: 0.2, seed: 3, stratify }),
      );
      // positions of the shuffled table, grouped by class (sorted labels) in position order
      const positions = order.map((_, p) => p);
      const groups = stratify ? ['no', 'yes'].map((c) => positions.filter((p) => label[order[p]] === c)) : [positions];
      const want = referenceParts(groups, [0.6, 0.2, 0.2], 3);
      (['train', 'validation', 'test'] as const).forEach((name, part) => {
        const split = dataset.splits[name];
        const rows = Array.from(split.rowIds!, (id) => id - 1);
        expect(rows).toEqual([...want[part]].map((p) => order[p]).sort((x, y) => x - y));
        const raw = rawColumns(split)!;
        rows.forEach((src, k) => {
          expect(dataset.classNames![split.y[k]]).toBe(label[src]);
          expect(raw[0].values[k]).toEqual(a[src]);
          expect(raw[1].values[k]).toBe((t.columns[1].values as (string | null)[])[src]);
        });
      });
      const train = Array.from(dataset.splits.train.rowIds!, (id) => a[id - 1]).filter((v) => !Number.isNaN(v));
      let sum = 0;
      for (const v of train) sum += v;
      const impute = dataset.transforms.find((f) => f.column === 'a');
      expect(impute).toMatchObject({ kind: 'impute', value: sum / train.length });
      const test = dataset.splits.test;
      const width = dataset.featureShape[0];
      Array.from(test.rowIds!).forEach((id, k) => {
        const v = a[id - 1];
        expect(test.x[k * width]).toBe(Math.fround(Number.isNaN(v) ? sum / train.length : v));
      });
      // no column was gathered, the target (read through the permutation) included
      for (const c of s.columns) expect(pendingBytes(c, 'values')).toBe(8 * n);
      expect(dataset.fingerprint).toBe(tableFingerprint(gathered(t, order)));
      expect(pendingBytes(s.columns[0], 'values')).toBe(8 * n);
    }
  });
  it('give a regression target its value per source row, through a table shuffled twice', () => {
    const n = 1500;
    const t = source(n);
    const v = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? NaN : i / 7));
    t.columns.push({ name: 'v', type: 'number', values: v });
    const s = shuffleTable(shuffleTable(t, 1), 2);
    const { dataset, warnings } = splitTable(s, splitParams.parse({ target: 'v', task: 'regression', seed: 6 }));
    expect(warnings[0]).toMatch(/^89 rows with a missing target/);
    const seen: number[] = [];
    for (const split of Object.values(dataset.splits)) {
      const rows = Array.from(split.rowIds!, (id) => id - 1);
      expect(rows).toEqual([...rows].sort((x, y) => x - y));
      rows.forEach((src, k) => expect(split.y[k]).toBe(Math.fround(v[src])));
      seen.push(...rows);
    }
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => i % 17 !== 0));
    expect(pendingBytes(s.columns[0], 'values')).toBe(8 * n);
  });
});
