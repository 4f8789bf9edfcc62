import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evenRows, exploreTable } from '../../../../../core/common/explore/exploreTable';
import type { TableColumn } from '../../../../../core/common/values';

const root = path.resolve(import.meta.dirname, '../../../../..');
const lines = readFileSync(path.join(root, 'resources/data/iris.csv'), 'utf8').trim().split('\n');
const names = lines[0].split(',');
const cells = lines.slice(1).map((l) => l.split(','));
const iris: TableColumn[] = [
  ...names.slice(0, 4).map((name, j) => ({
    name,
    type: 'number' as const,
    values: Float64Array.from(cells, (r) => Number(r[j])),
  })),
  { name: 'species', type: 'category', values: cells.map((r) => r[4]) },
];
const oracle = JSON.parse(readFileSync(path.join(root, 'test/fixtures/explore/pca_iris.json'), 'utf8')) as {
  raw: { scores: number[][]; explainedVarianceRatio: number[] };
};

describe('exploreTable on iris', () => {
  const v = exploreTable(iris, 150, { classColumn: 'species' });

  it('colours by species and keeps the class out of correlations and PCA', () => {
    expect(v.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(v.points.classIndex?.slice(0, 1)).toEqual([0]);
    expect(v.points.classIndex?.[149]).toBe(2);
    expect(v.correlation.columns).toEqual(names.slice(0, 4));
    expect(v.distributions.map((d) => d.kind)).toEqual(['numeric', 'numeric', 'numeric', 'numeric', 'categorical']);
  });

  it("projects every row where scikit-learn's PCA does, up to sign", () => {
    if (!v.pca.ok) throw new Error(v.pca.reason);
    const pca = v.pca;
    expect(pca.fittedRows).toBe(150);
    for (let k = 0; k < 2; k++)
      expect(Math.abs(pca.explainedVarianceRatio[k] - oracle.raw.explainedVarianceRatio[k])).toBeLessThan(1e-6);
    const coords = [pca.x, pca.y];
    for (let k = 0; k < 2; k++) {
      const sign = Math.sign(coords[k][0]! * oracle.raw.scores[0][k]);
      for (let r = 0; r < 150; r++) expect(Math.abs(sign * coords[k][r]! - oracle.raw.scores[r][k])).toBeLessThan(1e-6);
    }
  });

  it('leaves rows with a missing value out of the fit and gives them no point', () => {
    const holed = iris.map((c, j) =>
      j === 0 ? { ...c, values: Float64Array.from(c.values as Float64Array, (x, i) => (i === 3 ? NaN : x)) } : c,
    ) as TableColumn[];
    const h = exploreTable(holed, 150, { classColumn: 'species' });
    if (!h.pca.ok) throw new Error(h.pca.reason);
    expect(h.pca.fittedRows).toBe(149);
    expect(h.pca.x[3]).toBeNull();
    expect(h.points.columns[0].values[3]).toBeNull();
    expect(h.distributions[0]).toMatchObject({ kind: 'numeric', missing: 1 });
  });

  it('explains why there is no PCA with a single numeric column', () => {
    const one = exploreTable([iris[0], iris[4]], 150, { classColumn: 'species' });
    expect(one.pca).toEqual({ ok: false, reason: 'PCA needs at least 2 numeric columns besides the class' });
  });
});

describe('evenRows', () => {
  it('spreads a sample evenly and keeps all rows of a small table', () => {
    expect(Array.from(evenRows(10, 4))).toEqual([0, 2, 5, 7]);
    expect(Array.from(evenRows(3, 4))).toEqual([0, 1, 2]);
  });
});
