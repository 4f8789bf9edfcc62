/**
 * The dense binary loops of logistic regression's lbfgs (scores `Xw + b` and gradient `Xᵀr`) as
 * WebAssembly SIMD over pairs of rows, four feature columns per call. Scores add in the same order
 * as the JavaScript loop (the same values bit for bit); gradient sums are kept per row parity and
 * added at the end (a different rounding, within the oracle tolerances). The columns, scores and
 * residuals of one block live in one WebAssembly memory; callers view them as typed arrays.
 */
import type { WasmApi } from '../wasm/api';
import { F64, I32, name, section, uleb, V128, WASM_HEADER } from '../wasm/encode';
import {
  BITSELECT,
  BLOCK,
  BR,
  BR_IF,
  END,
  EXP_LOCALS,
  expCode,
  expSetup,
  F64X2_ABS,
  F64X2_ADD,
  F64X2_DIV,
  F64X2_EQ,
  F64X2_GT,
  F64X2_MUL,
  F64X2_NEG,
  F64X2_PMAX,
  F64X2_PROMOTE,
  F64X2_SPLAT,
  F64X2_SUB,
  f64x2,
  GET,
  I32_ADD,
  I32_CONST,
  I32_GE_U,
  I32_SHL,
  LOAD64_ZERO,
  LOOP,
  SET,
  SIMD,
  V128_AND,
  V128_LOAD,
  V128_STORE,
  VOID,
} from '../wasm/simd';

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

/**
 * `loss2(s, y, end, r, out)`: for each pair of rows (scores at `s`, labels 0/1 as f64 at `y`),
 * `e = exp(−|s|)`, `p = s > 0 ? 1/(1+e) : e/(1+e)`, residual `p − y` stored at `r`; at `out`, per
 * lane: `Σ max(s, 0) − y s`, `Σ (p − y)` and `Π (1 + e)` (the caller takes its log; at most 256
 * pairs per call keep it below 2^256).
 */
const [L_S, L_Y, L_END, L_R, L_OUT] = [0, 1, 2, 3, 4];
const [L_LIN, L_RSUM, L_PROD, L_SV, L_YV, L_X, L_P, L_E, L_ONE, L_ZERO, L_EXP] = [
  5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
];
const lossBody = [
  ...[1, L_EXP + EXP_LOCALS - 5, V128],
  ...[...f64x2(1), SET, L_ONE, GET, L_ONE, SET, L_PROD, ...expSetup(L_EXP)],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, L_S, GET, L_END, I32_GE_U, BR_IF, 1],
  ...[GET, L_S, ...V128_LOAD, SET, L_SV, GET, L_Y, ...V128_LOAD, SET, L_YV],
  ...[GET, L_SV, ...F64X2_ABS, ...F64X2_NEG, SET, L_X, ...expCode(L_X, L_EXP), SET, L_E],
  ...[GET, L_ONE, GET, L_E, ...F64X2_ADD, SET, L_X],
  ...[GET, L_PROD, GET, L_X, ...F64X2_MUL, SET, L_PROD],
  ...[GET, L_ONE, GET, L_X, ...F64X2_DIV, SET, L_P],
  ...[GET, L_P, GET, L_E, GET, L_P, ...F64X2_MUL, GET, L_SV, GET, L_ZERO, ...F64X2_GT, ...BITSELECT],
  ...[GET, L_YV, ...F64X2_SUB, SET, L_P],
  ...[GET, L_R, GET, L_P, ...V128_STORE, GET, L_RSUM, GET, L_P, ...F64X2_ADD, SET, L_RSUM],
  ...[GET, L_LIN, GET, L_SV, GET, L_ZERO, ...F64X2_PMAX, GET, L_YV, GET, L_SV, ...F64X2_MUL, ...F64X2_SUB],
  ...[...F64X2_ADD, SET, L_LIN],
  ...[GET, L_S, I32_CONST, 16, I32_ADD, SET, L_S, GET, L_Y, I32_CONST, 16, I32_ADD, SET, L_Y],
  ...[GET, L_R, I32_CONST, 16, I32_ADD, SET, L_R, BR, 0],
  ...[END, END],
  ...[GET, L_OUT, GET, L_LIN, ...V128_STORE, GET, L_OUT, GET, L_RSUM, SIMD, 0x0b, 0, 16],
  ...[GET, L_OUT, GET, L_PROD, SIMD, 0x0b, 0, 32],
  END,
];

/**
 * `soft2(s, y, end, r, out, m, stride, rs)`: softmax over `m` classes for each pair of rows, class
 * `c`'s scores at `s + c stride` and residuals `p_c − [y = c]` stored at `r + c stride`, labels
 * (class indices as f64) at `y`; adds each class's residuals to the f64x2 at `rs + 16 c`; at
 * `out`, per lane: `Σ max_c s_c − s_y` and `Π Σ_c e^{s_c − max}` (each factor in [1, m]; the
 * caller takes its log and keeps it finite by the pairs per call).
 */
const [M_S, M_Y, M_END, M_R, M_OUT, M_M, M_STRIDE, M_RS] = [0, 1, 2, 3, 4, 5, 6, 7];
const [M_C, M_A] = [8, 9];
const [M_LIN, M_PROD, M_MAX, M_Z, M_SV, M_YV, M_X, M_CV, M_ONE, M_ZERO, M_EXP] = [
  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
];
/** `for (c = 0, a = 0; c < m; c++, a += stride) { body }` */
const classLoop = (body: number[]) => [
  ...[I32_CONST, 0, SET, M_C, I32_CONST, 0, SET, M_A, BLOCK, VOID, LOOP, VOID],
  ...[GET, M_C, GET, M_M, I32_GE_U, BR_IF, 1],
  ...body,
  ...[GET, M_C, I32_CONST, 1, I32_ADD, SET, M_C, GET, M_A, GET, M_STRIDE, I32_ADD, SET, M_A, BR, 0, END, END],
];
/** `[y = c]` as 1 or 0 per lane, class index `c` in local CV. */
const isClass = [GET, M_YV, GET, M_CV, ...F64X2_EQ, GET, M_ONE, ...V128_AND];
const rsAddress = [GET, M_RS, GET, M_C, I32_CONST, 4, I32_SHL, I32_ADD];
const softBody = [
  ...[2, 2, I32, M_EXP + EXP_LOCALS - M_LIN, V128],
  ...[...f64x2(1), SET, M_ONE, GET, M_ONE, SET, M_PROD, ...expSetup(M_EXP)],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, M_S, GET, M_END, I32_GE_U, BR_IF, 1],
  ...[GET, M_Y, ...V128_LOAD, SET, M_YV, GET, M_S, ...V128_LOAD, SET, M_MAX],
  ...classLoop([GET, M_MAX, GET, M_S, GET, M_A, I32_ADD, ...V128_LOAD, ...F64X2_PMAX, SET, M_MAX]),
  ...[GET, M_ZERO, SET, M_Z, GET, M_ZERO, SET, M_CV, GET, M_LIN, GET, M_MAX, ...F64X2_ADD, SET, M_LIN],
  ...classLoop([
    ...[GET, M_S, GET, M_A, I32_ADD, ...V128_LOAD, SET, M_SV],
    ...[GET, M_LIN, GET, M_SV, ...isClass, ...F64X2_MUL, ...F64X2_SUB, SET, M_LIN],
    ...[GET, M_SV, GET, M_MAX, ...F64X2_SUB, SET, M_X, ...expCode(M_X, M_EXP), SET, M_SV],
    ...[GET, M_R, GET, M_A, I32_ADD, GET, M_SV, ...V128_STORE, GET, M_Z, GET, M_SV, ...F64X2_ADD, SET, M_Z],
    ...[GET, M_CV, GET, M_ONE, ...F64X2_ADD, SET, M_CV],
  ]),
  ...[GET, M_PROD, GET, M_Z, ...F64X2_MUL, SET, M_PROD, GET, M_ONE, GET, M_Z, ...F64X2_DIV, SET, M_Z],
  ...[GET, M_ZERO, SET, M_CV],
  ...classLoop([
    ...[GET, M_R, GET, M_A, I32_ADD, ...V128_LOAD, GET, M_Z, ...F64X2_MUL, ...isClass, ...F64X2_SUB, SET, M_SV],
    ...[GET, M_R, GET, M_A, I32_ADD, GET, M_SV, ...V128_STORE],
    ...[...rsAddress, ...rsAddress, ...V128_LOAD, GET, M_SV, ...F64X2_ADD, ...V128_STORE],
    ...[GET, M_CV, GET, M_ONE, ...F64X2_ADD, SET, M_CV],
  ]),
  ...[GET, M_S, I32_CONST, 16, I32_ADD, SET, M_S, GET, M_Y, I32_CONST, 16, I32_ADD, SET, M_Y],
  ...[GET, M_R, I32_CONST, 16, I32_ADD, SET, M_R, BR, 0],
  ...[END, END],
  ...[GET, M_OUT, GET, M_LIN, ...V128_STORE, GET, M_OUT, GET, M_PROD, SIMD, 0x0b, 0, 16],
  END,
];

const moduleBytes = () =>
  Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [
      ...[3, 0x60, 8, I32, I32, I32, I32, F64, F64, F64, F64, 0, 0x60, 5, I32, I32, I32, I32, I32, 0],
      ...[0x60, 8, I32, I32, I32, I32, I32, I32, I32, I32, 0],
    ]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 1]),
    ...section(3, [4, 0, 1, 1, 2]),
    ...section(7, [
      ...[4, ...name('score4'), 0x00, 0, ...name('grad4'), 0x00, 1, ...name('loss2'), 0x00, 2],
      ...[...name('soft2'), 0x00, 3],
    ]),
    ...section(10, [4, ...[scoreBody, gradBody, lossBody, softBody].flatMap((b) => [...uleb(b.length), ...b])]),
  ]);

type Loss2 = (s: number, y: number, end: number, r: number, out: number) => void;
type Soft2 = (s: number, y: number, end: number, r: number, out: number, m: number, stride: number, rs: number) => void;

/** Rows per `loss2` call: 256 pairs keep each lane's product of `1 + e` (each in (1, 2]) finite. */
const LOSS_CHUNK = 512;

let compiled: object | undefined;

/**
 * One fit's memory for `m` score columns (1: binary; else one per class): `scores` and `resid`
 * (`m × block`, class by class), `labels` (the n labels: 0/1 or class indices), `cols` (`d × n`
 * column-major features), and scratch sums. Undefined where WebAssembly (with SIMD) is missing or
 * the memory cannot be had (the caller keeps its JavaScript loops).
 */
export class WasmLinear {
  readonly scores: Float64Array;
  readonly resid: Float64Array;
  readonly labels: Float64Array;
  readonly cols: Float32Array;
  private readonly acc: Float64Array;
  private readonly out: Float64Array;
  private readonly classSums: Float64Array;
  /** Rows per softmax call, so that each lane's product of `Σ_c e^{s_c − max}` (each ≤ m) stays finite. */
  private readonly softChunk: number;

  private constructor(
    private readonly n: number,
    private readonly d: number,
    private readonly m: number,
    private readonly block: number,
    buffer: ArrayBufferLike,
    private readonly fn: { score4: Score4; grad4: Grad4; loss2: Loss2; soft2: Soft2 },
  ) {
    this.acc = new Float64Array(buffer, 0, 8);
    this.out = new Float64Array(buffer, 64, 8);
    this.classSums = new Float64Array(buffer, 128, 2 * m);
    const at = 128 + 16 * m;
    this.scores = new Float64Array(buffer, at, m * block);
    this.resid = new Float64Array(buffer, at + 8 * m * block, m * block);
    this.labels = new Float64Array(buffer, at + 16 * m * block, n);
    this.cols = new Float32Array(buffer, at + 16 * m * block + 8 * n, n * d);
    this.softChunk = 2 * Math.max(1, Math.min(256, Math.floor(960 / Math.log2(Math.max(m, 2)))));
  }

  /** A memory for `n` rows of `d` features and `m` score columns, blocks of `block` rows. */
  static create(n: number, d: number, m: number, block: number): WasmLinear | undefined {
    if (typeof WebAssembly === 'undefined' || d < 4) return undefined;
    const pages = Math.ceil((128 + 16 * m + 16 * m * block + 8 * n + 4 * n * d) / 65536);
    if (pages > 32768) return undefined;
    try {
      const memory = new WebAssembly.Memory({ initial: pages });
      compiled ??= new WebAssembly.Module(moduleBytes());
      const { exports } = new WebAssembly.Instance(compiled, { e: { m: memory } });
      return new WasmLinear(n, d, m, block, memory.buffer, exports as never);
    } catch {
      return undefined;
    }
  }

  /**
   * `scores[c block + i] = bias_c + Σ_j x_{i0+i, j} w_{j m + c}` for `i < bn`, features in order
   * (for `m = 1`, the same sums as the JavaScript loop bit for bit).
   */
  computeScores(i0: number, bn: number, w: Float64Array, bias: Float64Array): void {
    const { n, d, m, cols } = this;
    const pairs = bn & ~1;
    for (let c = 0; c < m; c++) {
      const out = this.scores.subarray(c * this.block, c * this.block + bn);
      const wc = (j: number) => w[j * m + c];
      out.fill(bias[c]);
      let j = 0;
      for (; j + 4 <= d; j += 4) {
        const o = j * n + i0;
        this.fn.score4(
          out.byteOffset,
          out.byteOffset + 8 * pairs,
          cols.byteOffset + 4 * o,
          4 * n,
          wc(j),
          wc(j + 1),
          wc(j + 2),
          wc(j + 3),
        );
        if (pairs < bn) {
          const i = pairs;
          out[i] +=
            wc(j) * cols[o + i] +
            wc(j + 1) * cols[o + n + i] +
            wc(j + 2) * cols[o + 2 * n + i] +
            wc(j + 3) * cols[o + 3 * n + i];
        }
      }
      for (; j < d; j++) {
        const wj = wc(j);
        const o = j * n + i0;
        for (let i = 0; i < bn; i++) out[i] += wj * cols[o + i];
      }
    }
  }

  /** Adds `Σ_i x_{i0+i, j} resid[c block + i]` over `i < bn` to `sums[j m + c]`. */
  gradient(i0: number, bn: number, sums: Float64Array): void {
    const { n, d, m, cols, acc } = this;
    const pairs = bn & ~1;
    for (let c = 0; c < m; c++) {
      const resid = this.resid.subarray(c * this.block, c * this.block + bn);
      let j = 0;
      for (; j + 4 <= d; j += 4) {
        const o = j * n + i0;
        acc.fill(0);
        this.fn.grad4(resid.byteOffset, resid.byteOffset + 8 * pairs, cols.byteOffset + 4 * o, 4 * n, acc.byteOffset);
        for (let k = 0; k < 4; k++) {
          let s = acc[2 * k] + acc[2 * k + 1];
          if (pairs < bn) s += cols[o + k * n + pairs] * resid[pairs];
          sums[(j + k) * m + c] += s;
        }
      }
      for (; j < d; j++) {
        const o = j * n + i0;
        let s = 0;
        for (let i = 0; i < bn; i++) s += cols[o + i] * resid[i];
        sums[j * m + c] += s;
      }
    }
  }

  /**
   * Log losses of rows `i0 .. i0 + bn` from `scores` and `labels` (sigmoid for `m = 1`, softmax
   * otherwise); writes residuals `p − y` into `resid`, adds each class's sum of them to
   * `sums[d m + c]` and returns the summed loss.
   */
  loss(i0: number, bn: number, sums: Float64Array): number {
    return this.m === 1 ? this.binaryLoss(i0, bn, sums, this.d) : this.softmaxLoss(i0, bn, sums);
  }

  private binaryLoss(i0: number, bn: number, sums: Float64Array, at: number): number {
    const { scores, resid, labels, out } = this;
    const pairs = bn & ~1;
    let loss = 0;
    let rsum = 0;
    for (let k = 0; k < pairs; k += LOSS_CHUNK) {
      const end = Math.min(pairs, k + LOSS_CHUNK);
      this.fn.loss2(
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

  private softmaxLoss(i0: number, bn: number, sums: Float64Array): number {
    const { scores, resid, labels, out, classSums, m, d, block } = this;
    const pairs = bn & ~1;
    let loss = 0;
    classSums.fill(0);
    for (let k = 0; k < pairs; k += this.softChunk) {
      const end = Math.min(pairs, k + this.softChunk);
      this.fn.soft2(
        scores.byteOffset + 8 * k,
        labels.byteOffset + 8 * (i0 + k),
        scores.byteOffset + 8 * end,
        resid.byteOffset + 8 * k,
        out.byteOffset,
        m,
        8 * block,
        classSums.byteOffset,
      );
      loss += out[0] + out[1] + Math.log(out[2]) + Math.log(out[3]);
    }
    for (let c = 0; c < m; c++) sums[d * m + c] += classSums[2 * c] + classSums[2 * c + 1];
    if (pairs < bn) {
      const i = pairs;
      const y = labels[i0 + i];
      let max = -Infinity;
      for (let c = 0; c < m; c++) max = Math.max(max, scores[c * block + i]);
      let z = 0;
      for (let c = 0; c < m; c++) z += Math.exp(scores[c * block + i] - max);
      loss += max + Math.log(z) - scores[y * block + i];
      for (let c = 0; c < m; c++) {
        const r = Math.exp(scores[c * block + i] - max) / z - (c === y ? 1 : 0);
        resid[c * block + i] = r;
        sums[d * m + c] += r;
      }
    }
    return loss;
  }

  /**
   * Training metrics of the binary model `w`, `bias` over all `n` rows in blocks of `block`: the
   * rows whose score is positive exactly when their label is 1, and the summed log loss.
   */
  binaryMetrics(w: Float64Array, bias: number): { correct: number; loss: number } {
    const { n, scores, labels, block } = this;
    const unused = new Float64Array(1);
    const b = Float64Array.of(bias);
    let correct = 0;
    let loss = 0;
    for (let i0 = 0; i0 < n; i0 += block) {
      const bn = Math.min(block, n - i0);
      this.computeScores(i0, bn, w, b);
      for (let i = 0; i < bn; i++) if (scores[i] > 0 === (labels[i0 + i] === 1)) correct++;
      loss += this.binaryLoss(i0, bn, unused, 0);
    }
    return { correct, loss };
  }
}
