/**
 * Boosting's WebAssembly module: the histogram kernel of `histKernel.ts` (f64x2 adds of [g, h]),
 * partition, gather, histogram subtraction, the split scan (`splitWasm.ts`), binning
 * (`binWasm.ts`) and the binary log loss with its gradients (`logLossWasm.ts`). Each adds or
 * compares in the JavaScript loops' order, so the trees are the same bit for bit. Binned columns,
 * rows, gradients, raw scores and histograms live in one WebAssembly memory per fit; callers view
 * them as typed arrays.
 */
import type { WasmApi, WasmMemory } from '../wasm/api';
import { F64, I32, name, section, uleb, V128, WASM_HEADER } from '../wasm/encode';
import { binaryLossBody, expBody, leafAddBody } from './logLossWasm';
import { rootSumsBody, splitScanBody } from './splitWasm';
import { applyBinsBody, RADIX_COUNT_BYTES, radixKeysBody, radixSortBody } from './binWasm';
import { thresholdsOfSorted, type BinnedFeatures } from './binning';
import {
  BLOCK,
  BR,
  BR_IF,
  END,
  F32_LOAD,
  F32_STORE,
  F64X2_ADD,
  F64X2_REPLACE_1,
  F64X2_SPLAT,
  F64X2_SUB,
  F64_ADD,
  F64_CONST,
  F64_LOAD,
  F64_PROMOTE_F32,
  F64_STORE,
  GET,
  I32_ADD,
  I32_CONST,
  I32_GE_U,
  I32_LOAD,
  I32_LOAD8_U,
  I32_SHL,
  I32_STORE,
  I32_SUB,
  LOOP,
  MEMORY_COPY,
  SET,
  SIMD,
  TEE,
  VOID,
} from '../wasm/simd';

declare const WebAssembly: WasmApi | undefined;

type Kernel = (
  rows: number,
  size: number,
  og: number,
  oh: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  h0: number,
  h1: number,
  h2: number,
  h3: number,
) => void;

type Scan = (
  at: number,
  count: number,
  size: number,
  minLeaf: number,
  g: number,
  h: number,
  l2: number,
  parent: number,
  out: number,
) => number;

type Gather = (r: number, end: number, grad: number, hess: number, og: number, oh: number) => void;
type Partition = (r: number, end: number, col: number, goesLeft: number, part: number) => number;

const I32_MUL = 0x6c;

const V128_LOAD = [SIMD, 0x00, 3, 0];
const V128_STORE = [SIMD, 0x0b, 3, 0];

/** Params 0-11 (rows, size, og, oh, col0-3, hist0-3: byte addresses), locals k, r, a (i32), gh (f64x2). */
const [ROWS, SIZE, OG, OH] = [0, 1, 2, 3];
const [K, R, A, GH] = [12, 13, 14, 15];

/** `base + 4k`: the address of element k of a 4-byte array. */
const at4 = (base: number) => [GET, base, GET, K, I32_CONST, 2, I32_SHL, I32_ADD];

/**
 * `a = hist_c + 24 × bins[col_c + r]`; then `[g, h]` at `a` += `gh` (one f64x2 add: the same sums
 * as two f64 adds) and, with `counts`, the count at `a + 16` += 1.
 */
const column = (c: number, counts: boolean) => [
  ...[GET, 8 + c, GET, 4 + c, GET, R, I32_ADD, I32_LOAD8_U, 0, 0, I32_CONST, 24, I32_MUL, I32_ADD, TEE, A],
  ...[GET, A, ...V128_LOAD, GET, GH, ...F64X2_ADD, ...V128_STORE],
  ...(counts
    ? [
        GET,
        A,
        GET,
        A,
        F64_LOAD,
        3,
        16,
        F64_CONST,
        ...new Uint8Array(Float64Array.of(1).buffer),
        F64_ADD,
        F64_STORE,
        3,
        16,
      ]
    : []),
];

/** `base + 4r`: the address of row r's element of a 4-byte array. */
const atRow = (base: number) => [GET, base, GET, R, I32_CONST, 2, I32_SHL, I32_ADD];

/**
 * for (k = 0; k < size; k++) { r = rows[k]; gh = [og[k], oh[k]] (`indexed`: [og[r], oh[r]], the
 * gradients in row order, so no gathered copy is needed); four columns }
 */
const kernelBody = (counts: boolean, indexed: boolean) => [
  ...[2, 3, I32, 1, V128],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, K, GET, SIZE, I32_GE_U, BR_IF, 1],
  ...[...at4(ROWS), I32_LOAD, 2, 0, SET, R],
  ...[...(indexed ? atRow(OG) : at4(OG)), F32_LOAD, 2, 0, F64_PROMOTE_F32, ...F64X2_SPLAT],
  ...[...(indexed ? atRow(OH) : at4(OH)), F32_LOAD, 2, 0, F64_PROMOTE_F32, ...F64X2_REPLACE_1, SET, GH],
  ...column(0, counts),
  ...column(1, counts),
  ...column(2, counts),
  ...column(3, counts),
  ...[GET, K, I32_CONST, 1, I32_ADD, SET, K, BR, 0],
  ...[END, END, END],
];

/** `sub(a, end, b)`: f64 pairs `a[i] −= b[i]` for byte addresses `a .. end` (16-byte steps). */
const subBody = [
  ...[0],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, 0, GET, 1, I32_GE_U, BR_IF, 1],
  ...[GET, 0, GET, 0, ...V128_LOAD, GET, 2, ...V128_LOAD, ...F64X2_SUB, ...V128_STORE],
  ...[GET, 0, I32_CONST, 16, I32_ADD, SET, 0, GET, 2, I32_CONST, 16, I32_ADD, SET, 2, BR, 0],
  ...[END, END, END],
];

/**
 * `part(r, end, col, goesLeft, part) → l`: params byte addresses of `rows[start]`, `rows[end]`, the
 * column's bins, the 256-byte goes-left table and the spill buffer; locals l, row, t, part0. Rows
 * going left are written back from `r` on in their order, the others to the spill buffer, copied
 * after them; returns the byte address where the right side starts.
 */
const [P_R, P_END, P_COL, P_LEFT, P_PART] = [0, 1, 2, 3, 4];
const [P_L, P_ROW, P_T, P_PART0] = [5, 6, 7, 8];
const partitionBody = [
  ...[1, 4, I32],
  ...[GET, P_R, SET, P_L, GET, P_PART, SET, P_PART0],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, P_R, GET, P_END, I32_GE_U, BR_IF, 1],
  ...[GET, P_R, I32_LOAD, 2, 0, SET, P_ROW],
  ...[GET, P_LEFT, GET, P_COL, GET, P_ROW, I32_ADD, I32_LOAD8_U, 0, 0, I32_ADD, I32_LOAD8_U, 0, 0, SET, P_T],
  ...[GET, P_L, GET, P_ROW, I32_STORE, 2, 0],
  ...[GET, P_PART, GET, P_ROW, I32_STORE, 2, 0],
  ...[GET, P_L, GET, P_T, I32_CONST, 2, I32_SHL, I32_ADD, SET, P_L],
  ...[GET, P_PART, I32_CONST, 4, I32_ADD, GET, P_T, I32_CONST, 2, I32_SHL, I32_SUB, SET, P_PART],
  ...[GET, P_R, I32_CONST, 4, I32_ADD, SET, P_R, BR, 0],
  ...[END, END],
  ...[GET, P_L, GET, P_PART0, GET, P_PART, GET, P_PART0, I32_SUB, ...MEMORY_COPY],
  ...[GET, P_L, END],
];

/**
 * `gather(r, end, grad, hess, og, oh)`: params byte addresses of `rows[start]`, `rows[end]`, the
 * gradients, hessians and their ordered copies; local a (4 × row). `og[k] = grad[rows[start + k]]`,
 * `oh[k] = hess[rows[start + k]]`.
 */
const [Q_R, Q_END, Q_G, Q_H, Q_OG, Q_OH, Q_A] = [0, 1, 2, 3, 4, 5, 6];
const gatherBody = [
  ...[1, 1, I32],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, Q_R, GET, Q_END, I32_GE_U, BR_IF, 1],
  ...[GET, Q_R, I32_LOAD, 2, 0, I32_CONST, 2, I32_SHL, SET, Q_A],
  ...[GET, Q_OG, GET, Q_G, GET, Q_A, I32_ADD, F32_LOAD, 2, 0, F32_STORE, 2, 0],
  ...[GET, Q_OH, GET, Q_H, GET, Q_A, I32_ADD, F32_LOAD, 2, 0, F32_STORE, 2, 0],
  ...[GET, Q_OG, I32_CONST, 4, I32_ADD, SET, Q_OG, GET, Q_OH, I32_CONST, 4, I32_ADD, SET, Q_OH],
  ...[GET, Q_R, I32_CONST, 4, I32_ADD, SET, Q_R, BR, 0],
  ...[END, END, END],
];

const funcType = (params: number[], results: number[]) => [
  0x60,
  ...uleb(params.length),
  ...params,
  ...uleb(results.length),
  ...results,
];
const i32s = (k: number) => new Array<number>(k).fill(I32);

/** The index of `exp` among the functions (the loss loop calls it). */
const EXP = 4;

/** Exported functions: name, type index, body. */
const functions: [string, number, number[]][] = [
  ['add4', 0, kernelBody(true, false)],
  ['add4gh', 0, kernelBody(false, true)],
  ['part', 1, partitionBody],
  ['gather', 2, gatherBody],
  ['exp', 3, expBody],
  ['loss', 4, binaryLossBody(EXP)],
  ['leafAdd', 5, leafAddBody],
  ['sub', 6, subBody],
  ['scanUp', 7, splitScanBody(false)],
  ['scanDown', 7, splitScanBody(true)],
  ['rootSums', 1, rootSumsBody],
  ['keys', 8, radixKeysBody],
  ['radix', 9, radixSortBody],
  ['apply', 10, applyBinsBody],
  ['add4i', 0, kernelBody(true, true)],
];
if (functions[EXP][0] !== 'exp') throw new Error('the loss loop calls exp by its index');

/** The module; a shared memory import (threads) declares its size as both minimum and maximum. */
const moduleBytes = (sharedPages?: number) =>
  Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [
      11,
      ...funcType(i32s(12), []),
      ...funcType(i32s(5), [I32]),
      ...funcType(i32s(6), []),
      ...funcType([F64], [F64]),
      ...funcType([...i32s(6), F64], [F64]),
      ...funcType([...i32s(3), F64], []),
      ...funcType(i32s(3), []),
      ...funcType([I32, I32, ...new Array<number>(6).fill(F64), I32], [I32]),
      ...funcType(i32s(4), [I32]),
      ...funcType(i32s(4), []),
      ...funcType(i32s(5), []),
    ]),
    ...section(2, [
      1,
      ...name('e'),
      ...name('m'),
      0x02,
      ...(sharedPages === undefined ? [0x00, 1] : [0x03, 1, ...uleb(sharedPages)]),
    ]),
    ...section(3, [functions.length, ...functions.map(([, type]) => type)]),
    ...section(7, [functions.length, ...functions.flatMap(([label], i) => [...name(label), 0x00, i])]),
    ...section(10, [functions.length, ...functions.flatMap(([, , code]) => [...uleb(code.length), ...code])]),
  ]);

let compiled: object | undefined;

/** Byte offsets of the regions of a memory for `n` rows, `d` features, `stride` values per feature histogram. */
function layout(n: number, d: number, stride: number) {
  const histBytes = (8 * d * stride + 15) & ~15;
  const binsAt = histBytes;
  const rowsAt = binsAt + ((n * d + 15) & ~15);
  const rawAt = rowsAt + 24 * n + 256;
  const productAt = rawAt + 16 * n;
  const binningAt = productAt + 64;
  return { histBytes, binsAt, rowsAt, rawAt, productAt, binningAt, slotsAt: binningAt + RADIX_COUNT_BYTES + 1024 };
}

const PAGE = 65536;
const MAX_PAGES = 32768;

/** Columns `j .. j + 3` (those below `d`) of row-major `x` (`n × d`) into `cols`. */
function columns(x: Float32Array, n: number, d: number, j: number, cols: Float32Array[]): void {
  const [c0, c1, c2, c3] = cols;
  if (j + 4 <= d) {
    for (let i = 0, at = j; i < n; i++, at += d) {
      c0[i] = x[at];
      c1[i] = x[at + 1];
      c2[i] = x[at + 2];
      c3[i] = x[at + 3];
    }
    return;
  }
  for (let c = 0; j + c < d; c++) for (let i = 0; i < n; i++) cols[c][i] = x[i * d + j + c];
}

/** Rows per call of the loss loop: the JavaScript loop takes the log of its product every 512 rows. */
const LOSS_BLOCK = 512;

/**
 * One fit's WebAssembly memory and kernels: `bins` (d × n), `rows`, `grad`, `hess`, `og`, `oh`
 * (n each), `out` (one histogram), `goesLeft` (one flag per bin), the f64 raw scores and labels
 * of binary log loss (`raw`, `y`), and `slots` (histograms the kernels write in place) are views
 * of the memory. Undefined where WebAssembly is missing or the memory cannot be had (the caller
 * keeps the JavaScript kernel).
 */
export class WasmHist {
  readonly bins: Uint8Array;
  readonly rows: Int32Array;
  readonly og: Float32Array;
  readonly oh: Float32Array;
  readonly grad: Float32Array;
  readonly hess: Float32Array;
  readonly out: Float64Array;
  readonly goesLeft: Uint8Array;
  readonly raw: Float64Array;
  readonly y: Float64Array;
  readonly slots: Float64Array[] = [];
  /** The module's exponential (the same values as `Math.exp`). */
  readonly exp: (x: number) => number;
  /** Per (feature, bin) row counts of all `n` rows, once a histogram of them has been built. */
  rootCounts: Float64Array | undefined;
  private readonly product: Float64Array;
  /** The split scans' best gain (in and out) and its left row count. */
  readonly splitOut: Float64Array;
  /** The root sums of gradients and hessians. */
  private readonly sums: Float64Array;
  private readonly partAt: number;
  private readonly binningAt: number;
  private readonly histBytes: number;
  private readonly add4: Kernel;
  private readonly add4gh: Kernel;
  private readonly add4i: Kernel;
  private readonly part: Partition;
  private readonly gatherRows: Gather;
  private readonly loss: (
    raw: number,
    y: number,
    g: number,
    h: number,
    count: number,
    product: number,
    total: number,
  ) => number;
  private readonly addLeaf: (r: number, end: number, raw: number, value: number) => void;
  private readonly sub: (a: number, end: number, b: number) => void;
  /**
   * Scans `count` bins of a histogram from byte address `at` for the best split (see
   * `splitWasm.ts`): `scanUp` from bin 0 up (left side accumulated), `scanDown` from the last bin
   * down (right side); `splitOut[0]` is the best gain so far, in and out.
   */
  readonly scanUp: Scan;
  readonly scanDown: Scan;
  private readonly radixKeys: (src: number, n: number, dst: number, counts: number) => number;
  private readonly radixSort: (a: number, b: number, k: number, counts: number) => void;
  private readonly applyBins: (src: number, n: number, padded: number, missing: number, dst: number) => void;
  private readonly sumRows: (r: number, end: number, g: number, h: number, out: number) => number;

  private constructor(
    private readonly n: number,
    d: number,
    private readonly stride: number,
    readonly memory: WasmMemory,
    exports: Record<string, unknown>,
  ) {
    const buffer = memory.buffer;
    const { histBytes, binsAt, rowsAt, rawAt, productAt, binningAt, slotsAt } = layout(n, d, stride);
    this.histBytes = histBytes;
    this.binningAt = binningAt;
    this.out = new Float64Array(buffer, 0, d * stride);
    this.bins = new Uint8Array(buffer, binsAt, n * d);
    this.rows = new Int32Array(buffer, rowsAt, n);
    this.og = new Float32Array(buffer, rowsAt + 4 * n, n);
    this.oh = new Float32Array(buffer, rowsAt + 8 * n, n);
    this.partAt = rowsAt + 12 * n;
    this.grad = new Float32Array(buffer, rowsAt + 16 * n, n);
    this.hess = new Float32Array(buffer, rowsAt + 20 * n, n);
    this.goesLeft = new Uint8Array(buffer, rowsAt + 24 * n, 256);
    this.raw = new Float64Array(buffer, rawAt, n);
    this.y = new Float64Array(buffer, rawAt + 8 * n, n);
    this.product = new Float64Array(buffer, productAt, 1);
    this.splitOut = new Float64Array(buffer, productAt + 16, 2);
    this.sums = new Float64Array(buffer, productAt + 32, 2);
    for (let at = slotsAt; at + histBytes <= buffer.byteLength; at += histBytes) {
      this.slots.push(new Float64Array(buffer, at, d * stride));
    }
    this.add4 = exports.add4 as Kernel;
    this.add4gh = exports.add4gh as Kernel;
    this.add4i = exports.add4i as Kernel;
    this.exp = exports.exp as WasmHist['exp'];
    this.part = exports.part as Partition;
    this.gatherRows = exports.gather as Gather;
    this.loss = exports.loss as WasmHist['loss'];
    this.addLeaf = exports.leafAdd as WasmHist['addLeaf'];
    this.sub = exports.sub as WasmHist['sub'];
    this.scanUp = exports.scanUp as Scan;
    this.scanDown = exports.scanDown as Scan;
    this.radixKeys = exports.keys as (src: number, n: number, dst: number, counts: number) => number;
    this.radixSort = exports.radix as (a: number, b: number, k: number, counts: number) => void;
    this.applyBins = exports.apply as (src: number, n: number, padded: number, missing: number, dst: number) => void;
    this.sumRows = exports.rootSums as (r: number, end: number, g: number, h: number, out: number) => number;
  }

  /**
   * A memory for `n` rows of `d` binned features, histograms of `stride` values per feature, and
   * `slots` histograms (fewer where they would pass 256 MiB or the 2 GiB the memory may have; more
   * where the last page has room; pages no histogram touches are never committed);
   * `shared` for a histogram team
   * (its buffer is a SharedArrayBuffer, its memory sent to workers).
   */
  static create(n: number, d: number, stride: number, shared = false, slots = 0): WasmHist | undefined {
    if (typeof WebAssembly === 'undefined' || d < 4) return undefined;
    const { histBytes, slotsAt } = layout(n, d, stride);
    const budget = Math.min(256 << 20, MAX_PAGES * PAGE - slotsAt);
    const kept = Math.max(0, Math.min(slots, Math.floor(budget / histBytes)));
    const pages = Math.ceil((slotsAt + kept * histBytes) / PAGE);
    if (pages > MAX_PAGES) return undefined;
    try {
      const memory = new WebAssembly.Memory(
        shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages },
      );
      return WasmHist.attach(memory, n, d, stride);
    } catch {
      return undefined;
    }
  }

  /** The kernel over a memory made by {@link create} with the same sizes (a worker's side of a team). */
  static attach(memory: unknown, n: number, d: number, stride: number): WasmHist | undefined {
    if (typeof WebAssembly === 'undefined') return undefined;
    const m = memory as WasmMemory;
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && m.buffer instanceof SharedArrayBuffer;
      const module = shared
        ? new WebAssembly.Module(moduleBytes(m.buffer.byteLength / PAGE))
        : (compiled ??= new WebAssembly.Module(moduleBytes()));
      const instance = new WebAssembly.Instance(module, { e: { m } });
      return new WasmHist(n, d, stride, m, instance.exports);
    } catch {
      return undefined;
    }
  }

  /**
   * Bins row-major `x` (`n × d`) into `bins` as `binning.ts`'s `fitBins` does (the same thresholds
   * and bins): per column, its values without NaN radix-sorted here, thresholds from them, then
   * each value's bin. Uses `og`, `oh`, `grad`, `hess`, `raw` and the partition buffer as scratch
   * (columns are copied four at a time, one pass over `x` for four).
   */
  fitBins(x: Float32Array, d: number, maxBins: number): BinnedFeatures {
    const { n, memory } = this;
    const cols = [this.og, this.grad, this.hess, new Float32Array(memory.buffer, this.raw.byteOffset, n)];
    const keysAt = this.oh.byteOffset;
    const sortedAt = this.partAt;
    const counts = this.binningAt;
    const paddedAt = counts + RADIX_COUNT_BYTES;
    const padded = new Float32Array(memory.buffer, paddedAt, 256);
    const thresholds: Float32Array[] = [];
    const hasMissing = new Uint8Array(d);
    for (let j = 0; j < d; j++) {
      const col = cols[j % 4];
      if (j % 4 === 0) columns(x, n, d, j, cols);
      const k = this.radixKeys(col.byteOffset, n, keysAt, counts);
      if (k < n) hasMissing[j] = 1;
      this.radixSort(keysAt, sortedAt, k, counts);
      const t = thresholdsOfSorted(new Float32Array(memory.buffer, sortedAt, k), maxBins);
      if (t.length > 255) throw new Error('at most 255 thresholds per feature');
      thresholds.push(t);
      padded.fill(Infinity);
      padded.set(t);
      this.applyBins(col.byteOffset, n, paddedAt, maxBins, this.bins.byteOffset + j * n);
    }
    return { bins: this.bins, n, d, thresholds, hasMissing, missingBin: maxBins };
  }

  /** Whether `a` is a view of this memory (a slot or `out`). */
  owns(a: Float64Array): boolean {
    return a.buffer === this.memory.buffer;
  }

  /**
   * Adds rows `rows[start .. start + size)` with gradients `og[0 .. size)` (with `direct`,
   * `grad[rows[k]]`: no gathered copy) to `into` (`out` or a slot) for features `j0 .. j1`
   * (`j1 − j0` a multiple of four), four columns per call; row counts unless `counts` is false
   * (only with `direct`).
   */
  addColumns(
    start: number,
    size: number,
    j0: number,
    j1: number,
    into = this.out,
    counts = true,
    direct = false,
  ): void {
    const { n, stride } = this;
    const binsAt = this.bins.byteOffset;
    const rowsAt = this.rows.byteOffset + 4 * start;
    const g = direct ? this.grad.byteOffset : this.og.byteOffset;
    const h = direct ? this.hess.byteOffset : this.oh.byteOffset;
    const hs = 8 * stride;
    const kernel = !direct ? this.add4 : counts ? this.add4i : this.add4gh;
    for (let j = j0; j + 4 <= j1; j += 4) {
      const c = binsAt + j * n;
      const at = into.byteOffset + j * hs;
      kernel(rowsAt, size, g, h, c, c + n, c + 2 * n, c + 3 * n, at, at + hs, at + 2 * hs, at + 3 * hs);
    }
  }

  /** `large[i] −= small[i]` for two slots (their 16-byte padding included, zero in both). */
  subtract(large: Float64Array, small: Float64Array): void {
    this.sub(large.byteOffset, large.byteOffset + this.histBytes, small.byteOffset);
  }

  /**
   * Binary log loss summed over all rows of `raw` (labels `y`), writing the gradients and
   * hessians to `grad` and `hess`: the same values bit for bit as the JavaScript loop, which sums
   * the `log(1 + e)` terms as the log of their product once per 512 rows.
   */
  binaryLoss(): number {
    const { n, raw, y, grad, hess } = this;
    let total = 0;
    for (let i = 0; i < n; i += LOSS_BLOCK) {
      const count = Math.min(LOSS_BLOCK, n - i);
      total = this.loss(
        raw.byteOffset + 8 * i,
        y.byteOffset + 8 * i,
        grad.byteOffset + 4 * i,
        hess.byteOffset + 4 * i,
        count,
        this.product.byteOffset,
        total,
      );
      total += Math.log(this.product[0]);
    }
    return total;
  }

  /**
   * The sums of `grad` and `hess` over rows `rows[0 .. count)` in their order, and whether those
   * rows are `0 .. count − 1`.
   */
  rootSums(count: number): { g: number; h: number; identity: boolean } {
    const at = this.rows.byteOffset;
    const identity = this.sumRows(at, at + 4 * count, this.grad.byteOffset, this.hess.byteOffset, this.sums.byteOffset);
    return { g: this.sums[0], h: this.sums[1], identity: identity === 1 };
  }

  /** `raw[rows[r]] += value` for `r` in `start .. end` (a leaf's rows). */
  leafAdd(start: number, end: number, value: number): void {
    const at = this.rows.byteOffset;
    this.addLeaf(at + 4 * start, at + 4 * end, this.raw.byteOffset, value);
  }

  /**
   * Moves the rows of `rows[start..end)` whose bin in feature `j` has its `goesLeft` flag set to the
   * front, both sides in their order, and returns where the right side starts.
   */
  partition(j: number, start: number, end: number): number {
    const at = this.rows.byteOffset;
    const l = this.part(
      at + 4 * start,
      at + 4 * end,
      this.bins.byteOffset + j * this.n,
      this.goesLeft.byteOffset,
      this.partAt,
    );
    return (l - at) >> 2;
  }

  /** `og[k] = grad[rows[start + k]]`, `oh[k] = hess[rows[start + k]]` for `k < end − start`. */
  gather(start: number, end: number): void {
    const at = this.rows.byteOffset;
    const { grad, hess, og, oh } = this;
    this.gatherRows(at + 4 * start, at + 4 * end, grad.byteOffset, hess.byteOffset, og.byteOffset, oh.byteOffset);
  }
}
