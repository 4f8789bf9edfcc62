import { describe, expect, it } from 'vitest';
import { seededRandom, shuffleInPlace } from '../../../../../core/common/nodes/prep/random';
import { BUCKETED_ROWS } from '../../../../../core/common/splitRaw';
import { assembleSplitFeatures } from '../../../../../core/common/transforms/features';
import { IDENTITY, scalarMoments, scalarMomentsMany } from '../../../../../core/common/transforms/scalarChain';
import type { FittedTransform, TableColumn } from '../../../../../core/common/values';

const N = 2 * BUCKETED_ROWS + 5;
const r = seededRandom(4);
const a = Float64Array.from({ length: N }, (_, i) => (i % 9 === 4 ? NaN : r() * 20 - 5));
const b = Float64Array.from({ length: N }, () => Math.round(r() * 4));
const flat = new Float64Array(N).fill(3);
flat[7] = NaN;
const raw: TableColumn[] = [
  { name: 'a', type: 'number', values: a },
  { name: 'b', type: 'number', values: b },
  { name: 'flat', type: 'number', values: flat },
];
const features = raw.map((c) => ({ name: c.name, type: c.type }));

/** Each column's steps and the value they give, written from the scikit-learn definitions. */
const cases: { steps: FittedTransform[]; map: (v: number[]) => number[] }[] = [
  {
    steps: [
      { kind: 'impute', column: 'a', strategy: 'mean', value: 1.25 },
      { kind: 'standardize', column: 'a', mean: 4.5, std: 5.75 },
      { kind: 'impute', column: 'b', strategy: 'constant', value: 9 },
      { kind: 'minmax', column: 'b', min: 1, max: 3 },
      { kind: 'minmax', column: 'flat', min: 3, max: 3 },
    ],
    map: ([va, vb, vf]) => [((Number.isNaN(va) ? 1.25 : va) - 4.5) / 5.75, (vb - 1) / 2, Number.isNaN(vf) ? NaN : 0],
  },
  {
    steps: [
      { kind: 'standardize', column: 'a', mean: -1, std: 0 },
      { kind: 'minmax', column: 'a', min: -3, max: 7 },
      { kind: 'impute', column: 'flat', strategy: 'median', value: 8 },
      { kind: 'minmax', column: 'flat', min: 3, max: 3 },
    ],
    map: ([va, vb, vf]) => [Number.isNaN(va) ? NaN : (va + 1 + 3) / 10, vb, Number.isNaN(vf) ? 0 : 0],
  },
  {
    steps: [
      { kind: 'impute', column: 'a', strategy: 'mean', value: -2.5 },
      { kind: 'minmax', column: 'flat', min: 3, max: 3 },
    ],
    map: ([va, vb, vf]) => [Number.isNaN(va) ? -2.5 : va, vb, Number.isNaN(vf) ? NaN : 0],
  },
];

describe('writing numeric slots', () => {
  it('gives each row the value of its steps, for rows in order, ascending, shuffled and none', () => {
    const all = Int32Array.from({ length: N }, (_, i) => i);
    const shuffled = shuffleInPlace(all.slice(), seededRandom(2)).subarray(0, N - 3);
    const ascending = Int32Array.from(shuffled).sort();
    const short = shuffled.slice(0, 1000);
    for (const { steps, map } of cases)
      for (const rows of [undefined, ascending, shuffled, short]) {
        const n = rows ? rows.length : N;
        const { x } = assembleSplitFeatures(raw, features, steps, n, rows);
        const wrong: string[] = [];
        for (let k = 0; k < n; k++) {
          const src = rows ? rows[k] : k;
          const want = map([a[src], b[src], flat[src]]);
          for (let c = 0; c < 3; c++)
            if (!Object.is(x[3 * k + c], Math.fround(want[c]))) wrong.push(`row ${k} slot ${c}: ${x[3 * k + c]}`);
        }
        expect(wrong.slice(0, 5)).toEqual([]);
      }
  });

  it('fits moments through an index as the two-pass definition over those rows', () => {
    const rows = shuffleInPlace(
      Int32Array.from({ length: N }, (_, i) => i),
      seededRandom(3),
    ).subarray(0, N - 100);
    const present = Array.from(rows, (i) => a[i]).filter((v) => !Number.isNaN(v));
    const mean = present.reduce((s, v) => s + v, 0) / present.length;
    const std = Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / present.length);
    const m = scalarMoments(IDENTITY, a, rows);
    expect(m.n).toBe(present.length);
    expect(m.mean).toBeCloseTo(mean, 12);
    expect(m.std).toBeCloseTo(std, 12);
    expect([m.min, m.max]).toEqual([
      present.reduce((x, y) => Math.min(x, y)),
      present.reduce((x, y) => Math.max(x, y)),
    ]);
    const filled = scalarMoments({ ...IDENTITY, fill: 100 }, a, rows);
    expect(filled.n).toBe(rows.length);
    expect(filled.max).toBe(100);
  });

  it('fits an odd number of columns at once to the plain two-pass figures, each summed left to right', () => {
    const rows = Int32Array.from({ length: N }, (_, i) => i).filter((i) => i % 5 !== 2);
    const extra = Float64Array.from({ length: N }, (_, i) => (i % 13 === 0 ? NaN : r() * 1e6 - 3e5));
    const cols = [a, b, flat, extra, a];
    const ks = [IDENTITY, { ...IDENTITY, fill: 2.5 }, IDENTITY, { ...IDENTITY, fill: -7 }, { ...IDENTITY, fill: 1 }];
    const got = scalarMomentsMany(ks, cols, rows);
    cols.forEach((v, c) => {
      const xs: number[] = [];
      for (const i of rows) {
        const x = Number.isNaN(v[i]) ? ks[c].fill : v[i];
        if (!Number.isNaN(x)) xs.push(x);
      }
      let sum = 0;
      for (const x of xs) sum += x;
      const mean = sum / xs.length;
      let ss = 0;
      for (const x of xs) ss += (x - mean) * (x - mean);
      expect(got[c]).toStrictEqual({
        n: xs.length,
        mean,
        std: Math.sqrt(ss / xs.length),
        min: xs.reduce((p, q) => Math.min(p, q)),
        max: xs.reduce((p, q) => Math.max(p, q)),
      });
    });
  });

  it('fits several columns at once to the same bits as one by one, summed in the index order as a copy would be', () => {
    const all = Int32Array.from({ length: N }, (_, i) => i);
    const shuffled = shuffleInPlace(all.slice(), seededRandom(5)).subarray(0, N - 9);
    const ascending = Int32Array.from(shuffled).sort();
    const ks = [IDENTITY, { ...IDENTITY, fill: 2.5 }, { ...IDENTITY, fill: -1 }];
    const cols = [a, b, flat];
    for (const rows of [ascending, shuffled, shuffled.subarray(0, 3000)])
      for (const std of [true, false]) {
        const many = scalarMomentsMany(ks, cols, rows, std);
        cols.forEach((v, c) => expect(many[c]).toStrictEqual(scalarMoments(ks[c], v, rows, std)));
      }
    // in ascending order the mean is the plain left-to-right sum of the filled rows
    const filledB = Array.from(ascending, (i) => (Number.isNaN(b[i]) ? 2.5 : b[i]));
    let sum = 0;
    for (const v of filledB) sum += v;
    expect(scalarMomentsMany(ks, cols, ascending)[1].mean).toBe(sum / filledB.length);
    const scaled = scalarMomentsMany([{ ...IDENTITY, sub: 1, div: 2 }], [a], ascending);
    expect(scaled[0]).toStrictEqual(scalarMoments({ ...IDENTITY, sub: 1, div: 2 }, a, ascending));
  });
});

describe('writing encoded category slots', () => {
  const levels = ['b', 'a', 'c', 'zz', null];
  const n = BUCKETED_ROWS + 9;
  const cat = Array.from({ length: n }, (_, i) => levels[(i * 7) % 5]);
  const col: TableColumn[] = [{ name: 'k', type: 'category', values: cat }];
  const feature = [{ name: 'k', type: 'category' as const }];
  const rows = shuffleInPlace(
    Int32Array.from({ length: n }, (_, i) => i),
    seededRandom(9),
  ).subarray(0, n - 4);
  const categories = ['a', 'b', 'c'];

  it('one-hot: 1 in the category slot, none for missing or unseen values, a fill first', () => {
    for (const fill of [undefined, 'c']) {
      const steps: FittedTransform[] = [
        ...(fill ? [{ kind: 'impute', column: 'k', strategy: 'constant', value: fill } as FittedTransform] : []),
        { kind: 'onehot', column: 'k', categories, unknown: 'ignore' },
      ];
      const { x } = assembleSplitFeatures(col, feature, steps, rows.length, rows);
      const want = new Float32Array(rows.length * 3);
      rows.forEach((src, k) => {
        const v = cat[src] ?? fill ?? null;
        const at = v === null ? -1 : categories.indexOf(v);
        if (at >= 0) want[3 * k + at] = 1;
      });
      expect(x).toEqual(want);
    }
  });

  it('ordinal: the category index, the unknown code for missing and unseen values', () => {
    const steps: FittedTransform[] = [{ kind: 'ordinal', column: 'k', categories, unknown: -7 }];
    const { x } = assembleSplitFeatures(col, feature, steps, rows.length, rows);
    const want = Float32Array.from(rows, (src) => {
      const v = cat[src];
      return v !== null && categories.includes(v) ? categories.indexOf(v) : -7;
    });
    expect(x).toEqual(want);
  });

  it('one-hot with unknown: error names the row of the first unseen value', () => {
    const steps: FittedTransform[] = [{ kind: 'onehot', column: 'k', categories, unknown: 'error' }];
    const first = Array.from(rows).findIndex((src) => cat[src] === 'zz');
    expect(() => assembleSplitFeatures(col, feature, steps, rows.length, rows)).toThrow(
      `unknown category "zz" in column 'k' (row ${first + 1})`,
    );
  });
});
