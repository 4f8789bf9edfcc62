/**
 * The dense binary loops of logistic regression's lbfgs (scores `Xw + b` and gradient `Xᵀr`) as
 * WebAssembly SIMD over pairs of rows, four feature columns per call. Scores add in the same order
 * as the JavaScript loop (the same values bit for bit); gradient sums are kept per row parity and
 * added at the end (a different rounding, within the oracle tolerances). The columns, scores and
 * residuals of one block live in one WebAssembly memory; callers view them as typed arrays.
 */
import { F64, I32, name, section, uleb, V128, WASM_HEADER } from '../wasm/encode';

/** What this module needs of the WebAssembly API (core/common is typed without DOM or Node). */
interface WasmApi {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
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

const moduleBytes = () =>
  Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [2, 0x60, 8, I32, I32, I32, I32, F64, F64, F64, F64, 0, 0x60, 5, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name('score4'), 0x00, 0, ...name('grad4'), 0x00, 1]),
    ...section(10, [2, ...uleb(scoreBody.length), ...scoreBody, ...uleb(gradBody.length), ...gradBody]),
  ]);

let compiled: object | undefined;

/**
 * One fit's memory: `scores` and `resid` (one block of rows each), `acc` (8 partial sums) and
 * `cols` (`d × n` column-major features). Undefined where WebAssembly (with SIMD) is missing or
 * the memory cannot be had (the caller keeps its JavaScript loops).
 */
export class WasmBinaryLinear {
  readonly scores: Float64Array;
  readonly resid: Float64Array;
  readonly cols: Float32Array;
  private readonly acc: Float64Array;

  private constructor(
    private readonly n: number,
    private readonly d: number,
    block: number,
    buffer: ArrayBuffer,
    private readonly score4: Score4,
    private readonly grad4: Grad4,
  ) {
    this.acc = new Float64Array(buffer, 0, 8);
    this.scores = new Float64Array(buffer, 64, block);
    this.resid = new Float64Array(buffer, 64 + 8 * block, block);
    this.cols = new Float32Array(buffer, 64 + 16 * block, n * d);
  }

  /** A memory for `n` rows of `d` features, blocks of `block` rows. */
  static create(n: number, d: number, block: number): WasmBinaryLinear | undefined {
    if (typeof WebAssembly === 'undefined' || d < 4) return undefined;
    const pages = Math.ceil((64 + 16 * block + 4 * n * d) / 65536);
    if (pages > 32768) return undefined;
    try {
      const memory = new WebAssembly.Memory({ initial: pages });
      compiled ??= new WebAssembly.Module(moduleBytes());
      const { exports } = new WebAssembly.Instance(compiled, { e: { m: memory } });
      return new WasmBinaryLinear(n, d, block, memory.buffer, exports.score4 as Score4, exports.grad4 as Grad4);
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
}
