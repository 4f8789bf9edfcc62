import { describe, expect, it } from 'vitest';
import type { TableValue } from '../../../../../../core/common';
import { tableFingerprint } from '../../../../../../core/common/nodes/data/tableFingerprint';

function table(n: number): TableValue {
  return {
    rowCount: n,
    columns: [
      { name: 'x', type: 'number', values: Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 100) },
      { name: 'c', type: 'category', values: Array.from({ length: n }, (_, i) => (i % 5 ? `k${i % 3}` : null)) },
    ],
  };
}

describe('tableFingerprint', () => {
  it('is equal for equal tables and changes with any one value, row order, a name or a type', () => {
    const base = tableFingerprint(table(1001));
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(tableFingerprint(table(1001))).toBe(base);
    const seen = new Set([base]);
    const variant = (edit: (t: TableValue) => void): void => {
      const t = table(1001);
      edit(t);
      const h = tableFingerprint(t);
      expect(seen.has(h)).toBe(false);
      seen.add(h);
    };
    const x = (t: TableValue): Float64Array => t.columns[0].values as Float64Array;
    for (const i of [0, 1, 2, 3, 500, 999, 1000]) variant((t) => (x(t)[i] += 1e-9));
    for (const i of [0, 1, 2, 3, 1000]) variant((t) => (x(t)[i] = -x(t)[i]));
    variant((t) => {
      const v = x(t);
      [v[10], v[12]] = [v[12], v[10]];
    });
    variant((t) => {
      const v = x(t);
      [v[10], v[11]] = [v[11], v[10]];
    });
    variant((t) => ((t.columns[1].values as (string | null)[])[7] = 'k9'));
    variant((t) => ((t.columns[1].values as (string | null)[])[5] = 'k0'));
    variant((t) => (t.columns[0] = { ...t.columns[0], name: 'y' }));
    variant((t) => (t.columns[0] = { ...t.columns[0], type: 'integer' } as TableValue['columns'][0]));
    variant((t) => (t.columns = [t.columns[0], { name: 'x2', type: 'number', values: x(t).subarray(0, 1000) }]));
  });
});
