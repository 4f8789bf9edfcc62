import { describe, expect, it } from 'vitest';
import { growTree, sortFeatures, type Targets, type TreeOptions } from '../../../../../core/common/learners/cart';
import { CartArena } from '../../../../../core/common/learners/cartWasm';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';

/** Fills feature lists of `m` rows × `d` features: row ids in a shuffled order, values rising along each list. */
function filled(arena: CartArena, m: number, d: number, k: number, rand: () => number) {
  const b = arena.buffers(m, d, k);
  for (let j = 0; j < d; j++) {
    const rows = Array.from({ length: m }, (_, i) => i).sort(() => rand() - 0.5);
    let v = 0;
    for (let p = 0; p < m; p++) {
      v += rand() < 0.3 ? 0 : rand();
      b.list[2 * (j * m + p)] = rows[p];
      b.values[2 * (j * m + p) + 1] = v;
    }
  }
  for (let q = 0; q < m; q++) {
    b.weight[q] = 1 + Math.floor(rand() * 3);
    b.classes[q] = Math.floor(rand() * k);
  }
  return b;
}

describe('CART partition (WebAssembly and JavaScript)', () => {
  for (const wasm of [true, false]) {
    it(`keeps each feature's rows going left first, both sides in their order (${wasm ? 'wasm' : 'js'})`, () => {
      const [m, d] = [517, 4];
      const b = filled(new CartArena(wasm), m, d, 2, seededRandom(3));
      // Features 0 and 3 hold one value: feature 3 is left as it is, feature 0 (whose order the
      // node sums follow) is split like the others.
      for (const j of [0, 3]) for (let p = 0; p < m; p++) b.values[2 * (j * m + p) + 1] = 7;
      const rand = seededRandom(4);
      for (let q = 0; q < m; q++) b.goesLeft[q] = rand() < 0.4 ? 1 : 0;
      const before = Array.from(b.list);
      const [start, end] = [31, 480];
      b.partition(start, end);
      for (let j = 0; j < d; j++) {
        const pairs = (list: number[], a: number, z: number) =>
          Array.from({ length: z - a }, (_, i) => [list[2 * (j * m + a + i)], list[2 * (j * m + a + i) + 1]]);
        const range = pairs(before, start, end);
        const want =
          j === 3
            ? range
            : [...range.filter(([q]) => b.goesLeft[q] === 1), ...range.filter(([q]) => b.goesLeft[q] === 0)];
        expect(pairs(Array.from(b.list), start, end)).toEqual(want);
        expect(pairs(Array.from(b.list), 0, start)).toEqual(pairs(before, 0, start));
        expect(pairs(Array.from(b.list), end, m)).toEqual(pairs(before, end, m));
      }
    });
  }
});

describe('CART gini scan in WebAssembly', () => {
  // Brute force: weighted gini of both children for every cut between distinct values, counted
  // from scratch at each cut; the least wins, the first of equals.
  for (const k of [2, 3])
    it(`finds the cut with the least weighted child gini and puts the threshold between the values (${k} classes)`, () => {
      const [m, d] = [300, 2];
      const b = filled(new CartArena(), m, d, k, seededRandom(9));
      const [j, start, end] = [1, 20, 290];
      const value = (p: number) => b.values[2 * (j * m + p) + 1];
      const row = (p: number) => b.list[2 * (j * m + p)];
      b.total.fill(0);
      let w = 0;
      for (let p = start; p < end; p++) {
        b.total[b.classes[row(p)]] += b.weight[row(p)];
        w += b.weight[row(p)];
      }
      let want = { score: Infinity, pos: -1 };
      for (let r = start; r < end - 1; r++) {
        if (!(value(r) < value(r + 1))) continue;
        const side = (a: number, z: number) => {
          const c = new Array<number>(k).fill(0);
          for (let p = a; p < z; p++) c[b.classes[row(p)]] += b.weight[row(p)];
          const s = c.reduce((x, y) => x + y, 0);
          return s * (1 - c.reduce((x, y) => x + (y / s) ** 2, 0));
        };
        const score = side(start, r + 1) + side(r + 1, end);
        if (score < want.score - 1e-9) want = { score, pos: r };
      }
      b.best[2] = -1;
      b.best[0] = Infinity;
      expect(b.gini(j, start, end, w, 1)).toBe(true);
      expect(b.best[1]).toBe(want.pos);
      expect(b.best[0]).toBeCloseTo(want.score, 9);
      expect(b.best[2]).toBe(j);
      expect(b.best[3]).toBeGreaterThanOrEqual(value(want.pos));
      expect(b.best[3]).toBeLessThan(value(want.pos + 1));
    });

  it('JavaScript buffers leave the scan to the caller', () => {
    const b = new CartArena(false).buffers(4, 1, 2);
    expect(b.gini(0, 0, 4, 4, 1)).toBe(false);
  });
});

describe('trees grown with and without WebAssembly', () => {
  const opts: TreeOptions = {
    criterion: 'gini',
    maxDepth: null,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures: 2,
  };
  const rand = seededRandom(21);
  const make = (n: number, d: number, kind: 'binary' | 'three' | 'values' = 'binary', entropy = false) => {
    const x = Float32Array.from({ length: n * d }, () => Math.round(rand() * 50) / 10);
    const y = Int32Array.from({ length: n }, (_, i) => (x[i * d] + x[i * d + 1] > 5 ? 1 : 0) ^ (rand() < 0.1 ? 1 : 0));
    const weight = new Float64Array(n);
    for (let s = 0; s < n; s++) weight[Math.floor(rand() * n)]++;
    if (kind === 'three') for (let i = 0; i < n; i++) y[i] = x[i * d + 2] > 4 ? 2 : y[i];
    if (kind === 'three') for (let i = 0; i < n; i++) weight[i] *= 1 / (1 + y[i]);
    const targets: Targets =
      kind === 'values'
        ? {
            kind: 'values',
            y: Float32Array.from({ length: 2 * n }, (_, i) => x[(i >> 1) * d] * (1 + (i & 1)) + rand()),
            t: 2,
          }
        : { kind: 'classes', y, k: kind === 'three' ? 3 : 2 };
    const criterion: TreeOptions['criterion'] = kind === 'values' ? 'squared_error' : entropy ? 'entropy' : 'gini';
    return { sorted: sortFeatures(x, n, d), targets, weight, criterion };
  };
  // One arena grows a small, a large and a small tree again, so its memory grows and is reused;
  // then three classes with fractional weights (gini and entropy), and two regression targets.
  const cases = [
    make(60, 4),
    make(3000, 5),
    make(80, 3),
    make(500, 4, 'three'),
    make(500, 4, 'three', true),
    make(400, 3, 'values'),
  ];

  it('are the same node for node, with one arena reused across trees of different sizes', () => {
    const wasmArena = new CartArena();
    for (const c of cases) {
      const grow = (arena: CartArena) => {
        const importance = new Float64Array(c.sorted.d);
        const o = { ...opts, criterion: c.criterion };
        const tree = growTree(c.sorted, c.targets, c.weight, o, seededRandom(5), importance, arena);
        return { tree, importance };
      };
      const a = grow(wasmArena);
      const b = grow(new CartArena(false));
      expect(a.tree.leaves).toBeGreaterThan(3);
      expect(Array.from(a.tree.feature)).toEqual(Array.from(b.tree.feature));
      expect(Array.from(a.tree.threshold)).toEqual(Array.from(b.tree.threshold));
      expect(Array.from(a.tree.value)).toEqual(Array.from(b.tree.value));
      expect(Array.from(a.importance)).toEqual(Array.from(b.importance));
    }
  });
});
