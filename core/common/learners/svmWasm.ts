/**
 * Kernel columns of the SVM solver in WebAssembly SIMD: the dot products of one row with every row
 * of a problem, two rows at a time (each dot kept in two lanes and added at the end), then the RBF
 * `exp(−γ (‖u‖² + ‖v‖² − 2 u·v))` two at a time with the shared SIMD exp. The problem's rows, in
 * problem order and padded to an even width, live in one WebAssembly memory.
 */
import type { WasmApi } from '../wasm/api';
import { F64, I32, name, section, uleb, V128, WASM_HEADER } from '../wasm/encode';
import {
  BLOCK,
  BR,
  BR_IF,
  END,
  EXP_LOCALS,
  expCode,
  expSetup,
  F64X2_ADD,
  F64X2_MUL,
  F64X2_SPLAT,
  F64X2_SUB,
  f64x2,
  GET,
  I32_ADD,
  I32_CONST,
  I32_GE_U,
  I8X16_SHUFFLE,
  LOOP,
  SET,
  V128_LOAD,
  V128_STORE,
  VOID,
} from '../wasm/simd';
import type { Kernel, Rows } from './svmSolver';

declare const WebAssembly: WasmApi | undefined;

type Dots = (r: number, x: number, end: number, out: number, rowBytes: number) => void;
type Rbf = (out: number, norms: number, end: number, nr: number, g: number) => void;

/**
 * `dots(r, x, end, out, rowBytes)`: for each pair of rows from `x` to `end` (`rowBytes` apart),
 * their dot products with the row at `r` into the two f64 at `out`.
 */
const [D_R, D_X, D_END, D_OUT, D_ROW, D_O, D_A, D_B, D_V] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const lanes = (first: number) => [
  ...Array.from({ length: 8 }, (_, i) => first + i),
  ...Array.from({ length: 8 }, (_, i) => 16 + first + i),
];
const dotsBody = [
  ...[2, 1, I32, 3, V128],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, D_X, GET, D_END, I32_GE_U, BR_IF, 1],
  ...[...f64x2(0), SET, D_A, ...f64x2(0), SET, D_B, I32_CONST, 0, SET, D_O],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, D_O, GET, D_ROW, I32_GE_U, BR_IF, 1],
  ...[GET, D_R, GET, D_O, I32_ADD, ...V128_LOAD, SET, D_V],
  ...[GET, D_A, GET, D_V, GET, D_X, GET, D_O, I32_ADD, ...V128_LOAD, ...F64X2_MUL, ...F64X2_ADD, SET, D_A],
  ...[GET, D_B, GET, D_V, GET, D_X, GET, D_ROW, I32_ADD, GET, D_O, I32_ADD, ...V128_LOAD, ...F64X2_MUL],
  ...[...F64X2_ADD, SET, D_B, GET, D_O, I32_CONST, 16, I32_ADD, SET, D_O, BR, 0],
  ...[END, END],
  ...[GET, D_OUT, GET, D_A, GET, D_B, ...I8X16_SHUFFLE, ...lanes(0), GET, D_A, GET, D_B, ...I8X16_SHUFFLE],
  ...[...lanes(8), ...F64X2_ADD, ...V128_STORE],
  ...[GET, D_X, GET, D_ROW, GET, D_ROW, I32_ADD, I32_ADD, SET, D_X],
  ...[GET, D_OUT, I32_CONST, 16, I32_ADD, SET, D_OUT, BR, 0],
  ...[END, END, END],
];

/** `rbf(out, norms, end, nr, g)`: in place, two at a time, `out = exp(g (nr + norms − 2 out))`. */
const [R_OUT, R_NORMS, R_END, R_NR, R_G, R_X, R_VNR, R_VG, R_EXP] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const rbfBody = [
  ...[1, R_EXP + EXP_LOCALS - R_X, V128],
  ...[GET, R_NR, ...F64X2_SPLAT, SET, R_VNR, GET, R_G, ...F64X2_SPLAT, SET, R_VG, ...expSetup(R_EXP)],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, R_OUT, GET, R_END, I32_GE_U, BR_IF, 1],
  ...[GET, R_OUT, GET, R_VNR, GET, R_NORMS, ...V128_LOAD, ...F64X2_ADD],
  ...[GET, R_OUT, ...V128_LOAD, GET, R_OUT, ...V128_LOAD, ...F64X2_ADD, ...F64X2_SUB],
  ...[GET, R_VG, ...F64X2_MUL, SET, R_X, ...expCode(R_X, R_EXP), ...V128_STORE],
  ...[GET, R_OUT, I32_CONST, 16, I32_ADD, SET, R_OUT, GET, R_NORMS, I32_CONST, 16, I32_ADD, SET, R_NORMS, BR, 0],
  ...[END, END, END],
];

const moduleBytes = () =>
  Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [2, 0x60, 5, I32, I32, I32, I32, I32, 0, 0x60, 5, I32, I32, I32, F64, F64, 0]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name('dots'), 0x00, 0, ...name('rbf'), 0x00, 1]),
    ...section(10, [2, ...[dotsBody, rbfBody].flatMap((b) => [...uleb(b.length), ...b])]),
  ]);

let compiled: object | undefined;

/**
 * One problem's rows (`index` into dense `rows`) in a WebAssembly memory, filling kernel columns
 * `K(x_index[i], x_index[t])` for every t. Undefined where WebAssembly (with SIMD) is missing, the
 * rows are sparse, or the memory cannot be had (the solver keeps its JavaScript loop).
 */
export class WasmKernelColumns {
  private constructor(
    private readonly kernel: Kernel,
    private readonly l: number,
    private readonly dp: number,
    private readonly x: Float64Array,
    private readonly norms: Float64Array,
    private readonly col: Float64Array,
    private readonly cacheAt: number,
    private readonly dots: Dots,
    private readonly rbf: Rbf,
  ) {}

  /**
   * The rows `index` of dense `rows`, plus one slot for query rows (`fillQuery`) and room for
   * `cacheColumns` columns (`cacheColumn`), which are then filled in place.
   */
  static create(rows: Rows, index: Int32Array, kernel: Kernel, cacheColumns = 0): WasmKernelColumns | undefined {
    if (typeof WebAssembly === 'undefined' || rows.sparse) return undefined;
    const l = index.length;
    const { d } = rows;
    const dp = d + (d & 1);
    const cacheAt = 16 * (l + 2) + 8 * (l + 1) * dp;
    const pages = Math.ceil((cacheAt + 8 * l * cacheColumns) / 65536);
    if (pages > 32768) return undefined;
    try {
      const memory = new WebAssembly.Memory({ initial: pages });
      compiled ??= new WebAssembly.Module(moduleBytes());
      const { exports } = new WebAssembly.Instance(compiled, { e: { m: memory } });
      const col = new Float64Array(memory.buffer, 0, l + 2);
      const norms = new Float64Array(memory.buffer, 8 * (l + 2), l + 2);
      const x = new Float64Array(memory.buffer, 16 * (l + 2), (l + 1) * dp);
      for (let t = 0; t < l; t++) {
        const r = index[t];
        x.set(rows.x.subarray(r * d, r * d + d), t * dp);
        norms[t] = rows.norms[r];
      }
      return new WasmKernelColumns(kernel, l, dp, x, norms, col, cacheAt, exports.dots as Dots, exports.rbf as Rbf);
    } catch {
      return undefined;
    }
  }

  /** Cache column `k` (below `cacheColumns`): `l` values in this memory, which `fill` writes in place. */
  cacheColumn(k: number): Float64Array {
    return new Float64Array(this.x.buffer, this.cacheAt + 8 * this.l * k, this.l);
  }

  /** `out[t] = K(x_index[i], x_index[t])` for every t. */
  fill(i: number, out: Float64Array): void {
    this.column(i, this.norms[i], out);
  }

  /**
   * `out[t] = K(q, x_index[t])` for every t, `q` the `d` values of `x` from `qo` and `qq` their
   * squared norm.
   */
  fillQuery(x: ArrayLike<number>, qo: number, d: number, qq: number, out: Float64Array): void {
    const { l, dp } = this;
    for (let j = 0; j < d; j++) this.x[l * dp + j] = x[qo + j];
    this.column(l, qq, out);
  }

  private column(i: number, nr: number, out: Float64Array): void {
    const { l, dp, x, norms, kernel } = this;
    const dst = out.buffer === x.buffer ? out : this.col;
    const pairs = l & ~1;
    const rowBytes = 8 * dp;
    this.dots(x.byteOffset + i * rowBytes, x.byteOffset, x.byteOffset + pairs * rowBytes, dst.byteOffset, rowBytes);
    if (pairs < l) {
      let dot = 0;
      for (let j = 0; j < dp; j++) dot += x[i * dp + j] * x[pairs * dp + j];
      dst[pairs] = dot;
    }
    if (kernel.kind === 'rbf') {
      const g = -kernel.gamma;
      this.rbf(dst.byteOffset, norms.byteOffset, dst.byteOffset + 8 * pairs, nr, g);
      if (pairs < l) dst[pairs] = Math.exp(g * (nr + norms[pairs] - 2 * dst[pairs]));
    } else if (kernel.kind === 'poly') {
      for (let t = 0; t < l; t++) dst[t] = (kernel.gamma * dst[t] + kernel.coef0) ** kernel.degree;
    }
    if (dst !== out) out.set(dst.subarray(0, l));
  }
}
