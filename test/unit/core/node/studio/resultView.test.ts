import { describe, expect, it } from 'vitest';
import type { DatasetValue, DataPreviewView, TableValue } from '../../../../../core/common';
import { buildResultView } from '../../../../../core/node/studio/resultView';

const N = 300_000;

function dataset(): DatasetValue {
  const x = new Float32Array(N * 2);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    x[i * 2] = i;
    x[i * 2 + 1] = i % 2 ? 1 : -1;
    y[i] = i % 3 === 0 ? 1 : 0;
  }
  return {
    task: 'classification',
    featureShape: [2],
    classNames: ['no', 'yes'],
    splits: { train: { x, y, n: N } },
    transforms: [],
  };
}

function table(): TableValue {
  const a = Float64Array.from({ length: N }, (_, i) => i);
  const label = Array.from({ length: N }, (_, i) => (i % 4 === 0 ? 'b' : 'a'));
  return {
    columns: [
      { name: 'a', type: 'number', values: a },
      { name: 'label', type: 'category', values: label },
    ],
    rowCount: N,
  };
}

const previewOf = (value: unknown, maxRows: number): DataPreviewView => {
  const view = buildResultView('n', 'r', undefined, { outputs: { out: value } }, maxRows);
  const out = view.outputs[0];
  if (out?.kind !== 'preview') throw new Error(`not a preview: ${out?.kind}`);
  return out.previews[0];
};

describe('result views of 300,000-row values', () => {
  it('send the first rows only, say how many of how many, and sample the statistics', () => {
    const p = previewOf(dataset(), 500);
    expect(p.rowCount).toBe(N);
    expect(p.head.rows).toHaveLength(500);
    expect(p.head.rows[499]?.[0]).toBe(499);
    expect(p.head.title).toBe('First 500 of 300,000 rows');
    expect(p.warnings).toContain('statistics from an even sample of 100,000 of 300,000 rows');
    const mean = p.stats[0]?.mean ?? NaN;
    expect(Math.abs(mean - (N - 1) / 2) / N).toBeLessThan(0.01);
    expect(p.classHistogram).toEqual([
      { label: 'no', count: N - N / 3 },
      { label: 'yes', count: N / 3 },
    ]);
    expect(JSON.stringify(p).length).toBeLessThan(200_000);
  });

  it('does the same for a table', () => {
    const p = previewOf(table(), 1000);
    expect(p.rowCount).toBe(N);
    expect(p.head.rows).toHaveLength(1000);
    expect(p.head.title).toBe('First 1,000 of 300,000 rows');
    expect(p.stats[0]?.max).toBeGreaterThan(N * 0.99);
    expect(p.stats[0]?.min).toBe(0);
    expect(JSON.stringify(p).length).toBeLessThan(200_000);
  });

  it('keeps small values whole: every row counted, no sample warning', () => {
    const small: TableValue = {
      columns: [{ name: 'a', type: 'number', values: new Float64Array([1, 2, 3]) }],
      rowCount: 3,
    };
    const p = previewOf(small, 1000);
    expect(p.stats[0]).toMatchObject({ count: 3, mean: 2 });
    expect(p.warnings ?? []).toEqual([]);
    expect(p.head.title).toBe('First rows');
  });
});

describe('result view of a dataset with sparse TF-IDF features', () => {
  it('shows the stored values of the previewed rows, zeros elsewhere', () => {
    const ds: DatasetValue = {
      task: 'classification',
      featureShape: [3],
      featureNames: ['t=a', 't=b', 't=c'],
      classNames: ['no', 'yes'],
      transforms: [],
      splits: {
        train: {
          x: new Float32Array(0),
          y: Int32Array.of(0, 1),
          n: 2,
          sparse: {
            rows: 2,
            cols: 3,
            indptr: Int32Array.of(0, 1, 3),
            indices: Int32Array.of(2, 0, 1),
            values: Float32Array.of(0.5, 0.25, 0.75),
          },
        },
      },
    };
    const p = previewOf(ds, 10);
    expect(p.head.rows.map((r) => r.slice(0, 3))).toEqual([
      [0, 0, 0.5],
      [0.25, 0.75, 0],
    ]);
  });
});
