/**
 * The dense binary loops of logistic regression's lbfgs (scores `Xw + b` and gradient `Xᵀr`) as
 * WebAssembly SIMD over pairs of rows, four feature columns per call. Scores add in the same order
 * as the JavaScript loop (the same values bit for bit); gradient sums are kept per row parity and
 * added at the end (a different rounding, within the oracle tolerances). The columns, scores and
 * residuals of one block live in one WebAssembly memory; callers view them as typed arrays.
 */
import type { WasmApi } from '../wasm/api';
import { F64, I32, name, section, uleb, V128, WASM_HEADER } from '../wasm/encode';

declare const WebAssembly: WasmApi | undefined;

type Score4 = (
  out: number,
  end: number,
  col: number,
  stride: number,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
) => void;
type Grad4 = (r: number, end: number, col: number, stride: number, sums: number) => void;

const GET = 0x20;
const SET = 0x21;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_GE_U = 0x4f;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const VOID = 0x40;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00, 0, 0];
const V128_STORE = [SIMD, 0x0b, 0, 0];
const LOAD64_ZERO = [SIMD, 0x5d, 0, 0];
const F64X2_SPLAT = [SIMD, 0x14];
const F64X2_PROMOTE = [SIMD, 0x5f];
const F64X2_ADD = [SIMD, 0xf0, 0x01];
const F64X2_MUL = [SIMD, 0xf2, 0x01];

/** Two float32 of the column at byte address `local + offset`, promoted to f64x2. */
const pair = (col: number, offset: number[]) => [GET, col, ...offset, I32_ADD, ...LOAD64_ZERO, ...F64X2_PROMOTE];

/**
 * `score4(out, end, col, stride, w0..w3)`: for each pair of rows, `out += ((w0 a + w1 b) + w2 c) + w3 d`
 * with `a..d` the four columns `col + k stride`; locals W0..W3 (splats), S2, S3 (2 and 3 strides).
 */
const [S_OUT, S_END, S_COL, S_STRIDE] = [0, 1, 2, 3];
const [S_W0, S_S2, S_S3] = [8, 12, 13];
const scoreBody = [
  ...[2, 4, V128, 2, I32],
  ...[0, 1, 2, 3].flatMap((k) => [GET, 4 + k, ...F64X2_SPLAT, SET, S_W0 + k]),
  ...[GET, S_STRIDE, GET, S_STRIDE, I32_ADD, SET, S_S2, GET, S_S2, GET, S_STRIDE, I32_ADD, SET, S_S3],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, S_OUT, GET, S_END, I32_GE_U, BR_IF, 1],
  ...[GET, S_OUT],
  ...[GET, S_OUT, ...V128_LOAD],
  ...[GET, S_W0, ...pair(S_COL, [I32_CONST, 0]), ...F64X2_MUL],
  ...[GET, S_W0 + 1, ...pair(S_COL, [GET, S_STRIDE]), ...F64X2_MUL, ...F64X2_ADD],
  ...[GET, S_W0 + 2, ...pair(S_COL, [GET, S_S2]), ...F64X2_MUL, ...F64X2_ADD],
  ...[GET, S_W0 + 3, ...pair(S_COL, [GET, S_S3]), ...F64X2_MUL, ...F64X2_ADD],
  ...[...F64X2_ADD, ...V128_STORE],
  ...[GET, S_OUT, I32_CONST, 16, I32_ADD, SET, S_OUT],
  ...[GET, S_COL, I32_CONST, 8, I32_ADD, SET, S_COL, BR, 0],
  ...[END, END, END],
];

/**
 * `grad4(r, end, col, stride, sums)`: for each pair of rows, `acc_k += (a_k) × r` per column `k`
 * (f64x2: even and odd rows apart); the four accumulators are stored at `sums` (8 f64). Locals
 * A0..A3, S2, S3.
 */
const [G_R, G_END, G_COL, G_STRIDE, G_SUMS] = [0, 1, 2, 3, 4];
const [G_A0, G_S2, G_S3] = [5, 9, 10];
const gradBody = [
  ...[2, 4, V128, 2, I32],
  ...[GET, G_STRIDE, GET, G_STRIDE, I32_ADD, SET, G_S2, GET, G_S2, GET, G_STRIDE, I32_ADD, SET, G_S3],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, G_R, GET, G_END, I32_GE_U, BR_IF, 1],
  ...[
    [I32_CONST, 0],
    [GET, G_STRIDE],
    [GET, G_S2],
    [GET, G_S3],
  ].flatMap((offset, k) => [
    ...[GET, G_A0 + k, ...pair(G_COL, offset), GET, G_R, ...V128_LOAD, ...F64X2_MUL, ...F64X2_ADD, SET, G_A0 + k],
  ]),
  ...[GET, G_R, I32_CONST, 16, I32_ADD, SET, G_R],
  ...[GET, G_COL, I32_CONST, 8, I32_ADD, SET, G_COL, BR, 0],
  ...[END, END],
  ...[0, 1, 2, 3].flatMap((k) => [GET, G_SUMS, GET, G_A0 + k, SIMD, 0x0b, 0, ...uleb(16 * k)]),
  END,
];

const F64_CONST = 0x44;
const I64_CONST = 0x42;
const V128_CONST_ONE = [F64_CONST, ...new Uint8Array(Float64Array.of(1).buffer), ...F64X2_SPLAT];
const f64x2 = (v: number) => [F64_CONST, ...new Uint8Array(Float64Array.of(v).buffer), ...F64X2_SPLAT];
const F64X2_SUB = [SIMD, 0xf1, 0x01];
const F64X2_DIV = [SIMD, 0xf3, 0x01];
const F64X2_MAX = [SIMD, 0xf5, 0x01];
const F64X2_ABS = [SIMD, 0xec, 0x01];
const F64X2_NEG = [SIMD, 0xed, 0x01];
const F64X2_NEAREST = [SIMD, 0x94, 0x01];
const F64X2_GT = [SIMD, 0x4a];
const BITSELECT = [SIMD, 0x52];
const I32X4_TRUNC_SAT_F64X2_ZERO = [SIMD, 0xfc, 0x01];
const I64X2_EXTEND_LOW_I32X4 = [SIMD, 0xc7, 0x01];
const I64X2_SPLAT = [SIMD, 0x12];
const I64X2_ADD = [SIMD, 0xce, 0x01];
const I64X2_SHL = [SIMD, 0xcb, 0x01];

/** Taylor coefficients 1/k! of e^r for k = 12 down to 2 (|r| ≤ ln 2 / 2: error below 2e-16 relative). */
const EXP_TAYLOR = Array.from({ length: 11 }, (_, i) => {
  let f = 1;
  for (let k = 2; k <= 12 - i; k++) f *= k;
  return 1 / f;
});

/**
 * `loss2(s, y, end, r, out)`: for each pair of rows (scores at `s`, labels 0/1 as f64 at `y`),
 * `e = exp(−|s|)` (to 1 ulp or so: `2^k` times a degree-12 Taylor polynomial on
 * `r = −|s| − k ln 2`, `−|s|` floored at −700), `p = s > 0 ? 1/(1+e) : e/(1+e)`, residual `p − y`
 * stored at `r`; at `out`, per lane: `Σ max(s, 0) − y s`, `Σ (p − y)` and `Π (1 + e)` (the caller
 * takes its log; at most 256 pairs per call keep it below 2^256).
 */
const [L_S, L_Y, L_END, L_R, L_OUT] = [0, 1, 2, 3, 4];
const [L_LIN, L_RSUM, L_PROD, L_SV, L_YV, L_X, L_K, L_P, L_E, L_ONE, L_ZERO, L_MIN] = [
  5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
const [L_LOG2E, L_LN2HI, L_LN2LO, L_BIAS, L_C] = [17, 18, 19, 20, 21];
const lossLocals = L_C + EXP_TAYLOR.length - 5;
const lossBody = [
  ...[1, lossLocals, V128],
  ...[...V128_CONST_ONE, SET, L_ONE, GET, L_ONE, SET, L_PROD, ...f64x2(-700), SET, L_MIN],
  ...[...f64x2(Math.LOG2E), SET, L_LOG2E, ...f64x2(6.9314718036912381649e-1), SET, L_LN2HI],
  ...[...f64x2(1.9082149292705877e-10), SET, L_LN2LO, I64_CONST, ...[0xff, 0x07], ...I64X2_SPLAT, SET, L_BIAS],
  ...EXP_TAYLOR.flatMap((c, i) => [...f64x2(c), SET, L_C + i]),
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, L_S, GET, L_END, I32_GE_U, BR_IF, 1],
  ...[GET, L_S, ...V128_LOAD, SET, L_SV, GET, L_Y, ...V128_LOAD, SET, L_YV],
  ...[GET, L_SV, ...F64X2_ABS, ...F64X2_NEG, GET, L_MIN, ...F64X2_MAX, SET, L_X],
  ...[GET, L_X, GET, L_LOG2E, ...F64X2_MUL, ...F64X2_NEAREST, SET, L_K],
  ...[GET, L_X, GET, L_K, GET, L_LN2HI, ...F64X2_MUL, ...F64X2_SUB],
  ...[GET, L_K, GET, L_LN2LO, ...F64X2_MUL, ...F64X2_SUB, SET, L_X],
  ...[GET, L_C],
  ...EXP_TAYLOR.slice(1).flatMap((_, i) => [GET, L_X, ...F64X2_MUL, GET, L_C + i + 1, ...F64X2_ADD]),
  ...[GET, L_X, ...F64X2_MUL, GET, L_ONE, ...F64X2_ADD, GET, L_X, ...F64X2_MUL, GET, L_ONE, ...F64X2_ADD],
  ...[GET, L_K, ...I32X4_TRUNC_SAT_F64X2_ZERO, ...I64X2_EXTEND_LOW_I32X4, GET, L_BIAS, ...I64X2_ADD],
  ...[I32_CONST, 52, ...I64X2_SHL, ...F64X2_MUL, SET, L_E],
  ...[GET, L_ONE, GET, L_E, ...F64X2_ADD, SET, L_X],
  ...[GET, L_PROD, GET, L_X, ...F64X2_MUL, SET, L_PROD],
  ...[GET, L_ONE, GET, L_X, ...F64X2_DIV, SET, L_P],
  ...[GET, L_P, GET, L_E, GET, L_P, ...F64X2_MUL, GET, L_SV, GET, L_ZERO, ...F64X2_GT, ...BITSELECT],
  ...[GET, L_YV, ...F64X2_SUB, SET, L_P],
  ...[GET, L_R, GET, L_P, ...V128_STORE, GET, L_RSUM, GET, L_P, ...F64X2_ADD, SET, L_RSUM],
  ...[GET, L_LIN, GET, L_SV, GET, L_ZERO, ...F64X2_MAX, GET, L_YV, GET, L_SV, ...F64X2_MUL, ...F64X2_SUB],
  ...[...F64X2_ADD, SET, L_LIN],
  ...[GET, L_S, I32_CONST, 16, I32_ADD, SET, L_S, GET, L_Y, I32_CONST, 16, I32_ADD, SET, L_Y],
  ...[GET, L_R, I32_CONST, 16, I32_ADD, SET, L_R, BR, 0],
  ...[END, END],
  ...[GET, L_OUT, GET, L_LIN, ...V128_STORE, GET, L_OUT, GET, L_RSUM, SIMD, 0x0b, 0, 16],
  ...[GET, L_OUT, GET, L_PROD, SIMD, 0x0b, 0, 32],
  END,
];

const moduleBytes = () =>
  Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [2, 0x60, 8, I32, I32, I32, I32, F64, F64, F64, F64, 0, 0x60, 5, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 1]),
    ...section(3, [3, 0, 1, 1]),
    ...section(7, [3, ...name('score4'), 0x00, 0, ...name('grad4'), 0x00, 1, ...name('loss2'), 0x00, 2]),
    ...section(10, [3, ...[scoreBody, gradBody, lossBody].flatMap((b) => [...uleb(b.length), ...b])]),
  ]);

type Loss2 = (s: number, y: number, end: number, r: number, out: number) => void;

/** Rows per `loss2` call: 256 pairs keep each lane's product of `1 + e` (each in (1, 2]) finite. */
const LOSS_CHUNK = 512;

let compiled: object | undefined;

/**
 * One fit's memory: `scores` and `resid` (one block of rows each), `labels` (the n labels as 0/1),
 * `acc` (8 partial sums), `out` (6) and `cols` (`d × n` column-major features). Undefined where
 * WebAssembly (with SIMD) is missing or the memory cannot be had (the caller keeps its JavaScript
 * loops).
 */
export class WasmBinaryLinear {
  readonly scores: Float64Array;
  readonly resid: Float64Array;
  readonly labels: Float64Array;
  readonly cols: Float32Array;
  private readonly acc: Float64Array;
  private readonly out: Float64Array;

  private constructor(
    private readonly n: number,
    private readonly d: number,
    block: number,
    buffer: ArrayBufferLike,
    private readonly score4: Score4,
    private readonly grad4: Grad4,
    private readonly loss2: Loss2,
  ) {
    this.acc = new Float64Array(buffer, 0, 8);
    this.out = new Float64Array(buffer, 64, 6);
    this.scores = new Float64Array(buffer, 128, block);
    this.resid = new Float64Array(buffer, 128 + 8 * block, block);
    this.labels = new Float64Array(buffer, 128 + 16 * block, n);
    this.cols = new Float32Array(buffer, 128 + 16 * block + 8 * n, n * d);
  }

  /** A memory for `n` rows of `d` features, blocks of `block` rows. */
  static create(n: number, d: number, block: number): WasmBinaryLinear | undefined {
    if (typeof WebAssembly === 'undefined' || d < 4) return undefined;
    const pages = Math.ceil((128 + 16 * block + 8 * n + 4 * n * d) / 65536);
    if (pages > 32768) return undefined;
    try {
      const memory = new WebAssembly.Memory({ initial: pages });
      compiled ??= new WebAssembly.Module(moduleBytes());
      const { exports } = new WebAssembly.Instance(compiled, { e: { m: memory } });
      return new WasmBinaryLinear(
        n,
        d,
        block,
        memory.buffer,
        exports.score4 as Score4,
        exports.grad4 as Grad4,
        exports.loss2 as Loss2,
      );
    } catch {
      return undefined;
    }
  }
  /** `scores[i] = bias + Σ_j x_{i0+i, j} w_j` for `i < bn`, features in order (as the JavaScript loop). */
  binaryScores(i0: number, bn: number, w: Float64Array, bias: number): void {
    const { n, d, scores: out, cols } = this;
    const pairs = bn & ~1;
    for (let i = 0; i < bn; i++) out[i] = bias;
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = j * n + i0;
      this.score4(
        out.byteOffset,
        out.byteOffset + 8 * pairs,
        cols.byteOffset + 4 * o,
        4 * n,
        w[j],
        w[j + 1],
        w[j + 2],
        w[j + 3],
      );
      if (pairs < bn) {
        const i = pairs;
        out[i] +=
          w[j] * cols[o + i] +
          w[j + 1] * cols[o + n + i] +
          w[j + 2] * cols[o + 2 * n + i] +
          w[j + 3] * cols[o + 3 * n + i];
      }
    }
    for (; j < d; j++) {
      const wj = w[j];
      const o = j * n + i0;
      for (let i = 0; i < bn; i++) out[i] += wj * cols[o + i];
    }
  }

  /** Adds `Σ_i x_{i0+i, j} resid[i]` over `i < bn` to `sums[j]`. */
  binaryGradient(i0: number, bn: number, sums: Float64Array): void {
    const { n, d, resid, cols, acc } = this;
    const pairs = bn & ~1;
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = j * n + i0;
      acc.fill(0);
      this.grad4(resid.byteOffset, resid.byteOffset + 8 * pairs, cols.byteOffset + 4 * o, 4 * n, acc.byteOffset);
      for (let k = 0; k < 4; k++) {
        let s = acc[2 * k] + acc[2 * k + 1];
        if (pairs < bn) s += cols[o + k * n + pairs] * resid[pairs];
        sums[j + k] += s;
      }
    }
    for (; j < d; j++) {
      const o = j * n + i0;
      let s = 0;
      for (let i = 0; i < bn; i++) s += cols[o + i] * resid[i];
      sums[j] += s;
    }
  }

  /**
   * Log losses of rows `i0 .. i0 + bn` from `scores` and `labels`; writes residuals `p − y` into
   * `resid`, adds their sum to `sums[at]` and returns the summed loss.
   */
  binaryLoss(i0: number, bn: number, sums: Float64Array, at: number): number {
    const { scores, resid, labels, out } = this;
    const pairs = bn & ~1;
    let loss = 0;
    let rsum = 0;
    for (let k = 0; k < pairs; k += LOSS_CHUNK) {
      const end = Math.min(pairs, k + LOSS_CHUNK);
      this.loss2(
        scores.byteOffset + 8 * k,
        labels.byteOffset + 8 * (i0 + k),
        scores.byteOffset + 8 * end,
        resid.byteOffset + 8 * k,
        out.byteOffset,
      );
      loss += out[0] + out[1] + Math.log(out[4]) + Math.log(out[5]);
      rsum += out[2] + out[3];
    }
    if (pairs < bn) {
      const sc = scores[pairs];
      const y = labels[i0 + pairs];
      const e = Math.exp(-Math.abs(sc));
      const inv = 1 / (1 + e);
      const p = sc > 0 ? inv : e * inv;
      loss += Math.log(1 + e) + (sc > 0 ? sc : 0) - y * sc;
      resid[pairs] = p - y;
      rsum += p - y;
    }
    sums[at] += rsum;
    return loss;
  }

  /**
   * Training metrics of the model `w`, `bias` over all `n` rows in blocks of `block`: the rows
   * whose score is positive exactly when their label is 1, and the summed log loss.
   */
  metrics(w: Float64Array, bias: number, block: number): { correct: number; loss: number } {
    const { n, scores, labels } = this;
    const unused = new Float64Array(1);
    let correct = 0;
    let loss = 0;
    for (let i0 = 0; i0 < n; i0 += block) {
      const bn = Math.min(block, n - i0);
      this.binaryScores(i0, bn, w, bias);
      for (let i = 0; i < bn; i++) if (scores[i] > 0 === (labels[i0 + i] === 1)) correct++;
      loss += this.binaryLoss(i0, bn, unused, 0);
    }
    return { correct, loss };
  }
}
