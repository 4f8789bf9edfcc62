import { describe, expect, it } from 'vitest';
import { WasmHist } from '../../../../../core/common/learners/histWasm';
import { WasmLinear } from '../../../../../core/common/learners/logisticWasm';
import { kernelOf, rowsOf } from '../../../../../core/common/learners/svmSolver';
import { WasmKernelColumns } from '../../../../../core/common/learners/svmWasm';

/** A seeded generator of uniform values in [0, 1). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('WebAssembly kernels of boosting', () => {
  const n = 1001;
  const d = 5;
  const rand = uniform(7);
  const wasm = WasmHist.create(n, d, 33 * 3)!;
  for (let i = 0; i < n * d; i++) wasm.bins[i] = Math.floor(rand() * 33);
  for (let i = 0; i < n; i++) wasm.rows[i] = n - 1 - i;
  for (let i = 0; i < n; i++) {
    wasm.grad[i] = rand() - 0.5;
    wasm.hess[i] = rand();
  }

  it('partition keeps the rows going left first and both sides in their order', () => {
    const before = Array.from(wasm.rows);
    for (let b = 0; b < 33; b++) wasm.goesLeft[b] = b % 3 === 0 || b > 20 ? 1 : 0;
    const [start, end, j] = [17, 950, 3];
    const mid = wasm.partition(j, start, end);
    const range = before.slice(start, end);
    const left = range.filter((row) => wasm.goesLeft[wasm.bins[j * n + row]] === 1);
    const right = range.filter((row) => wasm.goesLeft[wasm.bins[j * n + row]] === 0);
    expect(mid).toBe(start + left.length);
    expect(Array.from(wasm.rows)).toEqual([...before.slice(0, start), ...left, ...right, ...before.slice(end)]);
  });

  it('gather copies the gradients and hessians of rows in range order', () => {
    const [start, end] = [100, 701];
    wasm.gather(start, end);
    for (let k = 0; k < end - start; k++) {
      expect(wasm.og[k]).toBe(wasm.grad[wasm.rows[start + k]]);
      expect(wasm.oh[k]).toBe(wasm.hess[wasm.rows[start + k]]);
    }
  });
});

describe('WebAssembly loops of binary logistic regression', () => {
  const n = 777;
  const d = 9;
  const rand = uniform(11);
  const lin = WasmLinear.create(n, d, 1, 256)!;
  for (let i = 0; i < n * d; i++) lin.cols[i] = Math.fround(rand() * 4 - 2);
  const w = Float64Array.from({ length: d }, () => rand() - 0.5);
  const x = (i: number, j: number) => lin.cols[j * n + i];

  it('scores are bias + Σ x w, summed in feature order as the JavaScript loop (odd block, 9 features)', () => {
    const [i0, bn] = [512, 255];
    lin.computeScores(i0, bn, w, Float64Array.of(0.25));
    for (let i = 0; i < bn; i++) {
      let s = 0.25;
      let j = 0;
      for (; j + 4 <= d; j += 4) {
        s +=
          w[j] * x(i0 + i, j) + w[j + 1] * x(i0 + i, j + 1) + w[j + 2] * x(i0 + i, j + 2) + w[j + 3] * x(i0 + i, j + 3);
      }
      for (; j < d; j++) s += w[j] * x(i0 + i, j);
      expect(lin.scores[i]).toBe(s);
    }
  });

  it('the gradient adds Σ_i x_ij r_i to each feature', () => {
    const [i0, bn] = [3, 253];
    for (let i = 0; i < bn; i++) lin.resid[i] = rand() - 0.5;
    const sums = new Float64Array(d).fill(1);
    lin.gradient(i0, bn, sums);
    for (let j = 0; j < d; j++) {
      let s = 1;
      for (let i = 0; i < bn; i++) s += x(i0 + i, j) * lin.resid[i];
      expect(sums[j]).toBeCloseTo(s, 12);
    }
  });
});

describe('WebAssembly log loss of binary logistic regression', () => {
  const n = 1301;
  const lin = WasmLinear.create(n, 4, 1, 1301)!;
  const rand = uniform(5);
  const special = [0, -0, 1e-12, -1e-12, 0.5, -0.5, 36, -36, 700, -700, 745, -745, 800, -800, 1e6, -1e6];
  const s = Array.from({ length: n }, (_, i) => special[i] ?? (rand() - 0.5) * (i % 3 === 0 ? 80 : 8));
  const y = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? Number(rand() < 0.5) : Number(s[i] > 0)));
  const near = (got: number, want: number, tol: number) =>
    expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));

  it('matches log(1 + e^{-|s|}) + max(s, 0) − y s and σ(s) − y from Math.log1p / Math.exp (odd rows, several chunks)', () => {
    for (const [i0, bn] of [
      [0, 1301],
      [0, 16],
      [100, 1],
    ]) {
      for (let i = 0; i < bn; i++) lin.scores[i] = s[i0 + i];
      for (let i = 0; i < n; i++) lin.labels[i] = y[i];
      const sums = new Float64Array(6).fill(0.25);
      const loss = lin.loss(i0, bn, sums);
      let want = 0;
      let rsum = 0.25;
      for (let i = 0; i < bn; i++) {
        const v = s[i0 + i];
        const t = y[i0 + i];
        want += Math.log1p(Math.exp(-Math.abs(v))) + Math.max(v, 0) - t * v;
        const p = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
        near(lin.resid[i], p - t, 1e-15);
        rsum += p - t;
      }
      near(loss, want, 1e-13);
      near(sums[4], rsum, 1e-13);
      for (const j of [0, 1, 2, 3, 5]) expect(sums[j]).toBe(0.25);
    }
  });

  it('training metrics count rows on the right side of 0 and sum the log loss of every row', () => {
    const m = WasmLinear.create(9, 4, 1, 4)!;
    const x = [1, -2, 0.5, 3, -1, 0, 2, -0.25, 4];
    for (let i = 0; i < 9; i++) for (let j = 0; j < 4; j++) m.cols[j * 9 + i] = Math.fround(x[i] * (j + 1) * 0.1);
    for (let i = 0; i < 9; i++) m.labels[i] = i % 3 === 0 ? 1 : 0;
    const w = Float64Array.of(1, -0.5, 0.25, 0.125);
    const { correct, loss } = m.binaryMetrics(w, -0.1);
    let c = 0;
    let l = 0;
    for (let i = 0; i < 9; i++) {
      let sc = -0.1;
      for (let j = 0; j < 4; j++) sc += w[j] * m.cols[j * 9 + i];
      const p = 1 / (1 + Math.exp(-sc));
      if (p > 0.5 === (m.labels[i] === 1)) c++;
      l -= Math.log(m.labels[i] === 1 ? p : 1 - p);
    }
    expect(correct).toBe(c);
    near(loss, l, 1e-14);
  });
});

describe('WebAssembly loops of multinomial logistic regression', () => {
  const [n, d, m, block] = [777, 6, 3, 300];
  const rand = uniform(23);
  const lin = WasmLinear.create(n, d, m, block)!;
  for (let i = 0; i < n * d; i++) lin.cols[i] = Math.fround(rand() * 4 - 2);
  for (let i = 0; i < n; i++) lin.labels[i] = Math.floor(rand() * m);
  const w = Float64Array.from({ length: d * m }, () => rand() - 0.5);
  const bias = Float64Array.of(0.1, -0.2, 0.3);
  const x = (i: number, j: number) => lin.cols[j * n + i];
  const near = (got: number, want: number, tol: number) =>
    expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));

  it('scores, softmax loss, residuals and gradient sums match the definitions (odd block)', () => {
    const [i0, bn] = [476, 299];
    lin.computeScores(i0, bn, w, bias);
    const sums = new Float64Array(d * m + m);
    const loss = lin.loss(i0, bn, sums);
    lin.gradient(i0, bn, sums);
    let wantLoss = 0;
    const want = new Float64Array(d * m + m);
    for (let i = 0; i < bn; i++) {
      const s = [0, 1, 2].map((c) => {
        let v = bias[c];
        for (let j = 0; j < d; j++) v += x(i0 + i, j) * w[j * m + c];
        return v;
      });
      s.forEach((v, c) => near(lin.scores[c * block + i], v, 1e-14));
      const y = lin.labels[i0 + i];
      const z = s.reduce((a, v) => a + Math.exp(v), 0);
      wantLoss += Math.log(z) - s[y];
      s.forEach((v, c) => {
        const r = Math.exp(v) / z - (c === y ? 1 : 0);
        near(lin.resid[c * block + i], r, 1e-14);
        for (let j = 0; j < d; j++) want[j * m + c] += x(i0 + i, j) * r;
        want[d * m + c] += r;
      });
    }
    near(loss, wantLoss, 1e-12);
    want.forEach((v, k) => near(sums[k], v, 1e-12));
  });

  it('the product of softmax normalisers (each 30 here) stays finite over a block of 1,201 rows', () => {
    const [n2, m2] = [1201, 30];
    const big = WasmLinear.create(n2, 4, m2, n2)!;
    for (let i = 0; i < n2; i++) big.labels[i] = i % m2;
    big.scores.fill(0.5);
    const sums = new Float64Array(4 * m2 + m2);
    const loss = big.loss(0, n2, sums);
    near(loss, n2 * Math.log(m2), 1e-13);
    near(sums[4 * m2], (n2 * 1) / m2 - 41, 1e-12);
  });
});

describe('WebAssembly kernel columns of the SVM solver', () => {
  const [n, d] = [120, 7];
  const rand = uniform(31);
  const rows = rowsOf(
    Float32Array.from({ length: n * d }, () => rand() * 4 - 2),
    n,
    d,
  );
  const index = Int32Array.from({ length: 101 }, (_, t) => (t * 37) % n);
  const dot = (r: number, s: number) => {
    let v = 0;
    for (let j = 0; j < d; j++) v += rows.x[r * d + j] * rows.x[s * d + j];
    return v;
  };

  for (const kernel of [
    { kind: 'rbf', gamma: 0.3, coef0: 0, degree: 3 },
    { kind: 'linear', gamma: 1, coef0: 0, degree: 3 },
    { kind: 'poly', gamma: 0.5, coef0: 1, degree: 3 },
  ] as const) {
    it(`${kernel.kind}: K(x_index[i], x_index[t]) (also into a cache column in place) and K(q, x_index[t]) for every t (odd width, odd count)`, () => {
      const cols = WasmKernelColumns.create(rows, index, kernel)!;
      const out = new Float64Array(index.length);
      for (const i of [0, 50, 100]) {
        cols.fill(i, out);
        index.forEach((s, t) => {
          const r = index[i];
          const want = kernelOf(kernel, dot(r, s), rows.norms[r], rows.norms[s]);
          expect(Math.abs(out[t] - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
        });
      }
      const cached = WasmKernelColumns.create(rows, index, kernel, 2)!;
      const inPlace = cached.cacheColumn(1);
      cached.fill(100, inPlace);
      cols.fill(100, out);
      expect(Array.from(inPlace)).toEqual(Array.from(out));
      const q = Float32Array.from({ length: 2 * d }, () => rand() * 4 - 2);
      let qq = 0;
      for (let j = 0; j < d; j++) qq += q[d + j] * q[d + j];
      cols.fillQuery(q, d, d, qq, out);
      index.forEach((s, t) => {
        let dq = 0;
        for (let j = 0; j < d; j++) dq += q[d + j] * rows.x[s * d + j];
        const want = kernelOf(kernel, dq, qq, rows.norms[s]);
        expect(Math.abs(out[t] - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
      });
    });
  }
});
