import { describe, expect, it } from 'vitest';
import {
  growTree,
  leafOf,
  sortFeatures,
  type Targets,
  type TreeOptions,
} from '../../../../../core/common/learners/cart';
import { binOf, binThresholds, float32Below } from '../../../../../core/common/learners/binning';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';

const opts = (o: Partial<TreeOptions> = {}): TreeOptions => ({
  criterion: 'gini',
  maxDepth: 1,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 1,
  ...o,
});

function grow(x: number[], targets: Targets, o: Partial<TreeOptions>, weight?: number[]) {
  const n = x.length;
  const importance = new Float64Array(1);
  const tree = growTree(
    sortFeatures(Float32Array.from(x), n, 1),
    targets,
    Float64Array.from(weight ?? x.map(() => 1)),
    opts(o),
    seededRandom(1),
    importance,
  );
  return { tree, importance: importance[0] };
}

describe('CART by hand', () => {
  // x = [0, 1, 2], y = [a, b, b]: at 0.5 the children are pure (weighted gini 0); at 1.5 the left
  // child {a, b} has gini 1/2 (weighted 2 · 1/2 = 1). Root gini 1 − (1/9 + 4/9) = 4/9, so the
  // split removes 3 · 4/9 = 4/3 of weighted impurity.
  it('gini picks the pure split at the midpoint and counts its impurity decrease', () => {
    const { tree, importance } = grow([0, 1, 2], { kind: 'classes', y: Int32Array.from([0, 1, 1]), k: 2 }, {});
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(0.5);
    expect(Array.from(tree.value.subarray(2, 6))).toEqual([1, 0, 0, 1]);
    expect(importance).toBeCloseTo(4 / 3, 12);
  });

  it('entropy removes 3 · H(1/3) bits on the same rows', () => {
    const { importance } = grow(
      [0, 1, 2],
      { kind: 'classes', y: Int32Array.from([0, 1, 1]), k: 2 },
      { criterion: 'entropy' },
    );
    const h = -(1 / 3) * Math.log2(1 / 3) - (2 / 3) * Math.log2(2 / 3);
    expect(importance).toBeCloseTo(3 * h, 12);
  });

  // y = [1, 1, 3, 5]: SSE after a split at 0.5 is 8, at 1.5 is 2, at 2.5 is 8/3, so 1.5 wins with
  // leaf means 1 and 4.
  it('squared error splits where the children’s summed squared error is least', () => {
    const { tree } = grow(
      [0, 1, 2, 3],
      { kind: 'values', y: Float32Array.from([1, 1, 3, 5]), t: 1 },
      { criterion: 'squared_error' },
    );
    expect(tree.threshold[0]).toBe(1.5);
    expect(tree.value[tree.left[0]]).toBe(1);
    expect(tree.value[tree.right[0]]).toBe(4);
  });

  it('min_samples_leaf forbids children smaller than it; weights count as repeated rows', () => {
    const y = { kind: 'classes' as const, y: Int32Array.from([0, 1, 1]), k: 2 };
    expect(grow([0, 1, 2], y, { minSamplesLeaf: 2 }).tree.feature[0]).toBe(-1);
    // Row 0 weighted 3: root counts (3, 2); the split at 0.5 leaves class 0 alone on the left.
    const w = grow([0, 1, 2], y, {}, [3, 1, 1]);
    expect(w.tree.value[0]).toBeCloseTo(0.6, 12);
  });

  it('a float32 threshold never moves a training row to the other side', () => {
    const a = Math.fround(0.1);
    const b = Math.fround(0.1 + 1e-8);
    const { tree } = grow([a, b], { kind: 'classes', y: Int32Array.from([0, 1]), k: 2 }, {});
    const x = Float32Array.from([a, b]);
    expect(tree.value[leafOf(tree, x, 0) * 2]).toBe(1);
    expect(tree.value[leafOf(tree, x, 1) * 2 + 1]).toBe(1);
  });
});

describe('histogram binning', () => {
  it('puts midpoints between distinct values and counts thresholds below x, NaN in its own bin', () => {
    const t = binThresholds(Float64Array.from([3, 1, 2, 2, NaN]), 255);
    expect(Array.from(t)).toEqual([1.5, 2.5]);
    expect([1, 2, 2.5, 3, NaN].map((x) => binOf(t, x, 255))).toEqual([0, 1, 1, 2, 255]);
  });

  it('uses midpoint percentiles when there are more distinct values than bins', () => {
    const t = binThresholds(
      Float64Array.from({ length: 9 }, (_, i) => i),
      4,
    );
    // positions 2, 4, 6 of 0..8 (k/4 · 8): values 2, 4, 6.
    expect(Array.from(t)).toEqual([2, 4, 6]);
  });

  it('rounds thresholds down to float32 so x <= t32 agrees with x <= t for float32 x', () => {
    const v = 0.1;
    const t = float32Below(v);
    expect(t).toBeLessThanOrEqual(v);
    expect(Math.fround(t)).toBe(t);
    const next = new Float32Array([t]);
    new Int32Array(next.buffer)[0] += 1;
    expect(next[0]).toBeGreaterThan(v);
  });
});
