import { describe, expect, it } from 'vitest';
import { CODED_ROWS, categoryCodes } from '../../../../../core/common/categoryCodes';
import { seededRandom, shuffleInPlace } from '../../../../../core/common/nodes/prep/random';
import { assembleSplitFeatures } from '../../../../../core/common/transforms/features';
import { categoriesOf } from '../../../../../core/common/transforms/onehot';
import type { FittedTransform, TableColumn } from '../../../../../core/common/values';

const N = 3 * CODED_ROWS + 7;
const r = seededRandom(11);
const LEVELS = ['red', 'green', 'blue', 'teal', 'plum'];
/** Levels red..plum, about 1 in 10 missing; 'plum' only in rows ≥ N - 50 (unseen when fitting on the rest). */
const colour: (string | null)[] = Array.from({ length: N }, (_, i) =>
  r() < 0.1 ? null : i >= N - 50 && i % 2 ? 'plum' : LEVELS[Math.floor(r() * 4)],
);
const raw: TableColumn[] = [{ name: 'colour', type: 'category', values: colour }];
const features = [{ name: 'colour', type: 'category' as const }];
const cats = ['blue', 'green', 'red', 'teal'];

/** Each chain and the row it gives for a value, written from the scikit-learn definitions. */
const cases: { steps: FittedTransform[]; row: (v: string | null) => number[] }[] = [
  {
    steps: [{ kind: 'onehot', column: 'colour', categories: cats, unknown: 'ignore' }],
    row: (v) => cats.map((c) => (c === v ? 1 : 0)),
  },
  {
    steps: [
      { kind: 'impute', column: 'colour', strategy: 'constant', value: 'teal' },
      { kind: 'onehot', column: 'colour', categories: cats, unknown: 'ignore' },
    ],
    row: (v) => cats.map((c) => (c === (v ?? 'teal') ? 1 : 0)),
  },
  {
    steps: [{ kind: 'ordinal', column: 'colour', categories: cats, unknown: -1 }],
    row: (v) => [v !== null && cats.includes(v) ? cats.indexOf(v) : -1],
  },
  {
    steps: [
      { kind: 'impute', column: 'colour', strategy: 'constant', value: 'mauve' },
      { kind: 'ordinal', column: 'colour', categories: cats, unknown: 7 },
    ],
    row: (v) => [v !== null && cats.includes(v) ? cats.indexOf(v) : 7],
  },
];

describe('writing category slots through column codes', () => {
  it('codes a long column once, by first appearance, 0 for missing', () => {
    const c = categoryCodes(colour)!;
    expect(c).toBe(categoryCodes(colour));
    for (let i = 0; i < N; i++) expect(colour[i] === null ? 0 : c.levels[c.codes[i] - 1]).toBe(colour[i] ?? 0);
    expect(categoryCodes(colour.slice(0, CODED_ROWS - 1))).toBeUndefined();
  });

  it('gives each row its one-hot or ordinal value, for rows in order, shuffled and short', () => {
    const all = Int32Array.from({ length: N }, (_, i) => i);
    const shuffled = shuffleInPlace(all.slice(), seededRandom(3));
    for (const { steps, row } of cases) {
      for (const rows of [undefined, shuffled, shuffled.slice(0, 100)]) {
        const n = rows ? rows.length : N;
        const { x } = assembleSplitFeatures(raw, features, steps, n, rows);
        const width = row(null).length;
        expect(x.length).toBe(n * width);
        for (let k = 0; k < n; k++) {
          const v = colour[rows ? rows[k] : k];
          expect(Array.from(x.subarray(k * width, (k + 1) * width))).toEqual(row(v));
        }
      }
    }
  });

  it('refuses an unseen category with unknown "error", naming the value, column and row', () => {
    const steps: FittedTransform[] = [{ kind: 'onehot', column: 'colour', categories: cats, unknown: 'error' }];
    const first = colour.findIndex((v) => v === 'plum');
    expect(() => assembleSplitFeatures(raw, features, steps, N)).toThrow(
      `unknown category "plum" in column 'colour' (row ${first + 1})`,
    );
    const missingOnly = Int32Array.from(colour.flatMap((v, i) => (v === null ? [i] : [])));
    expect(() => assembleSplitFeatures(raw, features, steps, missingOnly.length, missingOnly)).not.toThrow();
  });

  it('fits the sorted present categories of the indexed rows', () => {
    const head = Int32Array.from({ length: N - 50 }, (_, i) => i);
    expect(categoriesOf(colour, head)).toEqual(cats);
    expect(categoriesOf(colour)).toEqual([...cats, 'plum'].sort());
  });
});
