import { describe, expect, it } from 'vitest';
import { binOf, profileColumns, profileValues, psi } from '../../../../core/common/featureProfile';

describe('training profiles for drift', () => {
  it("cuts at numpy's deciles and counts the training values in the bins", () => {
    // numpy.quantile(range(1, 11), [.1, ..., .9]) = 1.9, 2.8, ..., 9.1: one value per bin.
    const p = profileValues('x', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])!;
    [1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1].forEach((e, i) => expect(p.edges[i]).toBeCloseTo(e, 12));
    expect(p.fractions).toEqual(Array<number>(10).fill(0.1));
    expect(p.n).toBe(10);
    expect(p.missing).toBe(0);
  });

  it('drops repeated edges and counts ties exactly; NaN is missing', () => {
    // numpy.quantile([0]*8 + [1, 2], [.1, ..., .9]) = 0 (×7), 0.2, 1.1: bins ≤0, ≤0.2, ≤1.1, above.
    const p = profileValues('x', [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, NaN, NaN])!;
    expect(p.edges.map((e) => +e.toFixed(12))).toEqual([0, 0.2, 1.1]);
    expect(p.fractions).toEqual([0.8, 0, 0.1, 0.1]);
    expect(p.missing).toBeCloseTo(2 / 12, 12);
    expect(profileValues('x', [NaN])).toBeUndefined();
    expect(profileValues('x', [3, 3, 3])!.fractions).toEqual([1]);
  });

  it('bins are right-closed', () => {
    expect([0.5, 1, 1.5, 2, 9].map((v) => binOf([1, 2], v))).toEqual([0, 0, 1, 1, 2]);
  });

  it('profiles numeric raw features only', () => {
    const out = profileColumns(
      [
        { name: 'a', type: 'number', values: Float64Array.from([1, 2, 3]) },
        { name: 'b', type: 'category', values: ['x', 'y', 'z'] },
      ],
      [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'category' },
      ],
    );
    expect(out.map((p) => p.column)).toEqual(['a']);
  });

  it('PSI by hand', () => {
    // expected ½, ½; live 3 and 1 → ¼·ln 1.5 + (−¼)·ln 0.5
    expect(psi([0.5, 0.5], [3, 1])).toBeCloseTo(0.25 * 0.4054651081 + 0.25 * 0.6931471806, 9);
    expect(psi([0.5, 0.5], [5, 5])).toBe(0);
    expect(psi([0.5, 0.5], [0, 0])).toBeUndefined();
  });
});
