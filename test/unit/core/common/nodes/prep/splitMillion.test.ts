import { describe, expect, it } from 'vitest';
import type { TableValue } from '../../../../../../core/common';
import { seededRandom } from '../../../../../../core/common/nodes/prep/random';
import { splitParams } from '../../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../../core/common/nodes/prep/splitTable';

const N = 1_000_000;

/** 1M rows: two numbers (one with a tenth missing), a 3-category column and a 2-class target. */
function bigTable(): TableValue {
  const r = seededRandom(3);
  const a = new Float64Array(N);
  const b = new Float64Array(N);
  const c: (string | null)[] = new Array<string | null>(N);
  const y: string[] = new Array<string>(N);
  for (let i = 0; i < N; i++) {
    a[i] = r() * 10;
    b[i] = i % 10 === 3 ? NaN : r() - 0.5;
    c[i] = ['red', 'green', 'blue'][i % 3];
    y[i] = a[i] > 5 ? 'hi' : 'lo';
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

describe('prep.split on a million rows', () => {
  it('splits stratified without argument spreading (no stack overflow), every row in exactly one split', () => {
    const { dataset } = splitTable(bigTable(), splitParams.parse({ target: 'y', seed: 1 }));
    const { train, validation, test } = dataset.splits;
    expect(train.n + validation.n + test.n).toBe(N);
    expect(train.n).toBe(700_000);
    expect(dataset.featureNames).toEqual(['a', 'b', 'c=blue', 'c=green', 'c=red']);
    expect(train.x.length).toBe(train.n * 5);
    const imputed = dataset.transforms.find((t) => t.column === 'b');
    expect(imputed?.kind === 'impute' && Math.abs(imputed.value as number)).toBeLessThan(0.01);
  }, 60_000);
});
