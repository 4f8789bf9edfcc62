/**
 * The memory CART grows its trees in (`cart.ts`) and its hot loops: the stable partition of every
 * feature's (row, value) list at a split, the gini scan of one feature's thresholds, the node class
 * sums and the go-left flags, in WebAssembly (`cartKernels.ts`) where it is there, else the same
 * arithmetic in the same order in JavaScript, so the trees are the same bit for bit.
 */
import {
  cartModuleBytes,
  type ClassSums,
  type GiniScan,
  type GiniScan2,
  type MarkLeft,
  type Partition,
} from './cartKernels';

import type { WasmApi, WasmMemory } from '../wasm/api';

declare const WebAssembly: WasmApi | undefined;

interface Kernels {
  memory: WasmMemory;
  part: Partition;
  gini: GiniScan;
  gini2: GiniScan2;
  sums: ClassSums;
  mark: MarkLeft;
}

let compiled: object | undefined;

/**
 * Where a fit grows its trees, one after another: a WebAssembly memory that grows to the largest
 * tree's needs and is dropped with the arena (kept per fit or per worker, never module-wide, so a
 * long-lived process does not hold it). Without WebAssembly, or with `wasm` false, plain arrays
 * and the JavaScript loops.
 */
export class CartArena {
  private kernels: Kernels | undefined;
  private failed: boolean;

  constructor(wasm = true) {
    this.failed = !wasm || typeof WebAssembly === 'undefined';
  }

  /** Buffers for a tree on `m` bagged rows, `d` features and `k` classes (or targets). */
  buffers(m: number, d: number, k: number): CartBuffers {
    return new CartBuffers(m, d, k, (bytes) => this.reserve(bytes));
  }

  private reserve(bytes: number): Kernels | undefined {
    const pages = Math.ceil(bytes / 65536);
    if (this.failed || typeof WebAssembly === 'undefined' || pages > 32768) return undefined;
    try {
      if (!this.kernels) {
        const memory = new WebAssembly.Memory({ initial: pages });
        compiled ??= new WebAssembly.Module(cartModuleBytes());
        const { exports } = new WebAssembly.Instance(compiled, { e: { m: memory } });
        this.kernels = {
          memory,
          part: exports.part as Partition,
          gini: exports.gini as GiniScan,
          gini2: exports.gini2 as GiniScan2,
          sums: exports.sums as ClassSums,
          mark: exports.mark as MarkLeft,
        };
      }
      const have = this.kernels.memory.buffer.byteLength / 65536;
      if (have < pages) this.kernels.memory.grow(pages - have);
      return this.kernels;
    } catch {
      this.failed = true;
      return undefined;
    }
  }
}

/**
 * The arrays one tree is grown in: per feature a list of (row, value) pairs over the bagged rows
 * `0..m-1` (entry `p` of feature `j` at `2 (j m + p)`: the row, then the value's float32 bits;
 * one spare entry after the last), per-row weights, classes and go-left flags, and the scan's
 * best split (bytes 0-31), two-class lane masks (32-63) and class weights, in its arena's memory
 * (valid until the arena's next tree).
 */
export class CartBuffers {
  readonly list: Int32Array;
  readonly values: Float32Array;
  readonly weight: Float64Array;
  readonly classes: Int32Array;
  readonly goesLeft: Uint8Array;
  readonly total: Float64Array;
  readonly left: Float64Array;
  /** `[score, last position going left, feature, threshold]` of the best split so far. */
  readonly best: Float64Array;
  private readonly spill: Int32Array;
  private readonly kernels: Kernels | undefined;

  constructor(
    readonly m: number,
    readonly d: number,
    readonly k: number,
    reserve: (bytes: number) => Kernels | undefined,
  ) {
    const head = 64 + 16 * k;
    const listAt = head + 8 * m;
    const spillAt = listAt + 8 * m * d + 8;
    const classesAt = spillAt + 8 * m;
    const flagsAt = classesAt + 4 * m;
    this.kernels = reserve(flagsAt + m);
    const buffer = this.kernels?.memory.buffer ?? new ArrayBuffer(flagsAt + m);
    this.best = new Float64Array(buffer, 0, 4);
    this.total = new Float64Array(buffer, 64, k);
    this.left = new Float64Array(buffer, 64 + 8 * k, k);
    new Uint32Array(buffer, 32, 8).set([~0, ~0, 0, 0, 0, 0, ~0, ~0]);
    this.weight = new Float64Array(buffer, head, m);
    this.list = new Int32Array(buffer, listAt, 2 * m * d + 2);
    this.values = new Float32Array(buffer, listAt, 2 * m * d + 2);
    this.spill = new Int32Array(buffer, spillAt, 2 * m);
    this.classes = new Int32Array(buffer, classesAt, m);
    this.goesLeft = new Uint8Array(buffer, flagsAt, m);
  }

  /**
   * Splits every feature's entries `start..end` in place, rows with their flag set first, both
   * sides in order; features constant there stay as they are (see `part`).
   */
  partition(start: number, end: number): void {
    const { m, d, list, goesLeft, spill } = this;
    if (this.kernels) {
      this.kernels.part(list.byteOffset, 8 * m, d, 8 * start, 8 * end, goesLeft.byteOffset, spill.byteOffset);
      return;
    }
    const values = this.values;
    for (let j = 0; j < d; j++) {
      let l = 2 * (j * m + start);
      if (j > 0 && values[l + 1] >= values[2 * (j * m + end) - 1]) continue;
      let o = 0;
      for (let p = l; p < 2 * (j * m + end); p += 2) {
        const q = list[p];
        const v = list[p + 1];
        const g = goesLeft[q];
        list[l] = q;
        list[l + 1] = v;
        spill[o] = q;
        spill[o + 1] = v;
        l += 2 * g;
        o += 2 - 2 * g;
      }
      for (let i = 0; i < o; i++) list[l + i] = spill[i];
    }
  }

  /**
   * Adds the weights of feature 0's entries `start..end` to `total` by class and returns their sum
   * (in entry order), or undefined where only JavaScript can.
   */
  classSums(start: number, end: number): number | undefined {
    if (!this.kernels) return undefined;
    const at = this.list.byteOffset;
    return this.kernels.sums(
      at + 8 * start,
      at + 8 * end,
      this.weight.byteOffset,
      this.classes.byteOffset,
      this.total.byteOffset,
    );
  }

  /** Sets the go-left flag of feature `j`'s entries `start..mid`, clears it for `mid..end`. */
  markLeft(j: number, start: number, mid: number, end: number): void {
    const { list, goesLeft } = this;
    const base = j * this.m;
    if (this.kernels) {
      const at = list.byteOffset + 8 * base;
      this.kernels.mark(at + 8 * start, at + 8 * mid, at + 8 * end, goesLeft.byteOffset);
      return;
    }
    for (let r = start; r < mid; r++) goesLeft[list[2 * (base + r)]] = 1;
    for (let r = mid; r < end; r++) goesLeft[list[2 * (base + r)]] = 0;
  }

  /**
   * Offers to `best` every gini threshold of feature `j` at the node `start..end` (weight `w`, class
   * weights in `total`), or returns false where only the JavaScript scan can.
   */
  gini(j: number, start: number, end: number, w: number, minLeaf: number): boolean {
    if (!this.kernels) return false;
    const at = this.list.byteOffset + 8 * j * this.m;
    if (this.k === 2) {
      const { weight, classes, total } = this;
      this.kernels.gini2(
        at + 8 * start,
        at + 8 * (end - 1),
        weight.byteOffset,
        classes.byteOffset,
        32,
        total.byteOffset,
        w,
        minLeaf,
        end - start,
        0,
        j,
        start,
      );
      return true;
    }
    this.left.fill(0);
    this.kernels.gini(
      at + 8 * start,
      at + 8 * (end - 1),
      this.weight.byteOffset,
      this.classes.byteOffset,
      this.left.byteOffset,
      this.total.byteOffset,
      this.k,
      w,
      minLeaf,
      end - start,
      0,
      j,
      start,
    );
    return true;
  }
}
