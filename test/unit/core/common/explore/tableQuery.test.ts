import { describe, expect, it } from 'vitest';
import { parseFilter, queryRows, QueryError } from '../../../../../core/common/explore/tableQuery';
import type { TableColumn } from '../../../../../core/common/values';

const columns: TableColumn[] = [
  { name: 'x', type: 'number', values: Float64Array.from([3, 1, NaN, 2, 5]) },
  { name: 'k', type: 'category', values: ['Setosa', 'virginica', 'setosa', null, 'versicolor'] },
];
const rows = (q: Parameters<typeof queryRows>[2]): number[] | undefined => {
  const r = queryRows(columns, 5, q);
  return r && Array.from(r);
};

describe('queryRows', () => {
  it('keeps rows in place without a query', () => {
    expect(rows({})).toBeUndefined();
    expect(rows({ filters: [{ column: 'x', text: '  ' }] })).toBeUndefined();
  });

  it('sorts numbers and text either way, missing cells last, ties in row order', () => {
    expect(rows({ sort: { column: 'x' } })).toEqual([1, 3, 0, 4, 2]);
    expect(rows({ sort: { column: 'x', descending: true } })).toEqual([4, 0, 3, 1, 2]);
    expect(rows({ sort: { column: 'k' } })).toEqual([0, 2, 4, 1, 3]);
    expect(rows({ sort: { column: 'k', descending: true } })).toEqual([1, 4, 2, 0, 3]);
  });

  it('filters numbers by comparison, range and equality, text by substring ignoring case', () => {
    expect(rows({ filters: [{ column: 'x', text: '>2' }] })).toEqual([0, 4]);
    expect(rows({ filters: [{ column: 'x', text: '<= 2' }] })).toEqual([1, 3]);
    expect(rows({ filters: [{ column: 'x', text: '1..3' }] })).toEqual([0, 1, 3]);
    expect(rows({ filters: [{ column: 'x', text: '5' }] })).toEqual([4]);
    expect(rows({ filters: [{ column: 'x', text: '!=5' }] })).toEqual([0, 1, 2, 3]);
    expect(rows({ filters: [{ column: 'k', text: 'SETOSA' }] })).toEqual([0, 2]);
    expect(rows({ filters: [{ column: 'k', text: '=setosa' }] })).toEqual([0, 2]);
    expect(
      rows({
        filters: [
          { column: 'k', text: 'v' },
          { column: 'x', text: '>=5' },
        ],
      }),
    ).toEqual([4]);
  });

  it('filters then sorts', () => {
    expect(rows({ filters: [{ column: 'k', text: 'v' }], sort: { column: 'x', descending: true } })).toEqual([4, 1]);
  });

  it('names an unknown column and an unreadable number', () => {
    expect(() => rows({ sort: { column: 'y' } })).toThrow(QueryError);
    expect(() => rows({ sort: { column: 'y' } })).toThrow(/no column "y"; the table has x, k/);
    expect(() => parseFilter(columns[0], '>abc')).toThrow(/filter on x: "abc" is not a number/);
  });
});

describe('numeric sort', () => {
  it('orders like a stable comparator sort on random values with ties, negatives, zeros and infinities', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pool = [0, -0, 1.5, -1.5, Infinity, -Infinity, NaN, 1e-300, -1e300];
    const v = Float64Array.from({ length: 5000 }, () =>
      rnd() < 0.3 ? pool[Math.floor(rnd() * pool.length)] : (rnd() - 0.5) * 1e6,
    );
    const col: TableColumn[] = [{ name: 'v', type: 'number', values: v }];
    for (const descending of [false, true]) {
      const want = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => {
        const [x, y] = [v[a], v[b]];
        if (Number.isNaN(x) || Number.isNaN(y))
          return Number.isNaN(x) && Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
        return (x === y ? 0 : x < y ? -1 : 1) * (descending ? -1 : 1) || a - b;
      });
      expect(Array.from(queryRows(col, v.length, { sort: { column: 'v', descending } })!)).toEqual(want);
    }
  });
});
