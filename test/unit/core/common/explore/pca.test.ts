import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitPca, projectRow } from '../../../../../core/common/explore/pca';
import { topEigen } from '../../../../../core/common/explore/symmetricEigen';

interface Recorded {
  scores: number[][];
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  mean: number[];
}
const root = path.resolve(import.meta.dirname, '../../../../..');
const oracle = JSON.parse(readFileSync(path.join(root, 'test/fixtures/explore/pca_iris.json'), 'utf8')) as {
  raw: Recorded;
  standardized: Recorded;
};
const iris = readFileSync(path.join(root, 'resources/data/iris.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').slice(0, 4).map(Number));
const x = Float64Array.from(iris.flat());

/** +1 or −1: the sign that maps our axis onto scikit-learn's. */
const signOf = (ours: number[], theirs: number[]): number =>
  ours.reduce((s, v, i) => s + v * theirs[i], 0) >= 0 ? 1 : -1;

describe('fitPca against scikit-learn 1.2 on iris (test/fixtures/explore/gen_pca_iris.py)', () => {
  for (const standardize of [false, true]) {
    it(standardize ? 'standardized' : 'raw', () => {
      const want = standardize ? oracle.standardized : oracle.raw;
      const p = fitPca(x, 150, 4, { standardize });
      for (let k = 0; k < 2; k++) {
        expect(Math.abs(p.explainedVariance[k] - want.explainedVariance[k])).toBeLessThan(1e-6);
        expect(Math.abs(p.explainedVarianceRatio[k] - want.explainedVarianceRatio[k])).toBeLessThan(1e-6);
        const sign = signOf(p.components[k], want.components[k]);
        for (let c = 0; c < 4; c++)
          expect(Math.abs(sign * p.components[k][c] - want.components[k][c])).toBeLessThan(1e-6);
        for (let r = 0; r < 150; r++) {
          const got = projectRow(p, iris[r]);
          expect(Math.abs(sign * got[k] - want.scores[r][k])).toBeLessThan(1e-6);
        }
      }
      if (!standardize) for (let c = 0; c < 4; c++) expect(Math.abs(p.mean[c] - want.mean[c])).toBeLessThan(1e-12);
    });
  }

  it('fixes each axis so its largest-magnitude loading is positive', () => {
    const p = fitPca(Float64Array.from(iris.map((r) => r.map((v) => -v)).flat()), 150, 4);
    for (const axis of p.components) {
      const big = axis.reduce((a, v) => (Math.abs(v) > Math.abs(a) ? v : a), 0);
      expect(big).toBeGreaterThan(0);
    }
  });

  it('refuses fewer than 2 rows', () => {
    expect(() => fitPca([1, 2], 1, 2)).toThrow(/at least 2 rows/);
  });
});

describe('topEigen (subspace iteration for wide data)', () => {
  it('finds the top eigenpairs of a diagonal matrix with a known spectrum', () => {
    const d = 80;
    const m = new Float64Array(d * d);
    for (let i = 0; i < d; i++) m[i * d + i] = d - i;
    // a rotation in the (0, 1) plane keeps the spectrum: eigenvectors (c, s) and (−s, c)
    const [c, s] = [Math.cos(0.3), Math.sin(0.3)];
    const [a, b] = [m[0], m[d + 1]];
    m[0] = c * c * a + s * s * b;
    m[d + 1] = s * s * a + c * c * b;
    m[1] = m[d] = c * s * (a - b);
    const e = topEigen(m, d, 2);
    expect(e.values[0]).toBeCloseTo(80, 10);
    expect(e.values[1]).toBeCloseTo(79, 10);
    expect(Math.abs(e.vectors[0][0] * c + e.vectors[0][1] * s)).toBeCloseTo(1, 10);
  });
});
