import type { DatasetSplit } from '../../common';
import { seededRandom, shuffleInPlace } from '../../common/nodes/prep/random';
import { readRowsAt } from '../data/splitRows';
import { densifyRowsAt } from '../../common/sparse';

/** Label buffers the step graph may take: int64 class indices, int32 class indices or float targets. */
export type LabelArray = BigInt64Array | Int32Array | Float32Array;

export interface BatcherOptions {
  batchSize: number;
  /** Floats per sample. */
  rowSize: number;
  /** Label values per sample (1 for class indices). */
  labelSize: number;
  labels: 'int64' | 'int32' | 'float32';
  /** Floats per sample of `soft` (a teacher's logits), copied in the same order as the rows. @default 0 */
  softSize?: number;
  /** Reshuffle the order every epoch. */
  shuffle: boolean;
  seed: number;
  /**
   * Two sets of batch buffers on SharedArrayBuffers, read by data-parallel workers: `flip` moves
   * `x`, `y` and `soft` to the other set, so the next batch is copied while workers read this one;
   * `order` is shared too.
   * @default false
   */
  shared?: boolean;
}

/**
 * Cuts a split into (shuffled) batches, copying rows into buffers allocated once. The full-size
 * buffers are reused every step; the last partial batch uses views of the same memory.
 */
/** One set of batch buffers. */
export interface BatchBuffers {
  x: Float32Array;
  y: LabelArray;
  soft: Float32Array;
}

export class Batcher {
  /** The buffer sets: one, or two with `shared`. */
  readonly sets: BatchBuffers[];
  /** Index in `sets` of the buffers `fill` writes. */
  slot = 0;
  readonly order: Uint32Array;
  readonly batches: number;
  private readonly random: () => number;

  constructor(
    private readonly src: {
      x: Float32Array;
      y: Int32Array | Float32Array;
      n: number;
      lazy?: DatasetSplit['lazy'];
      soft?: Float32Array;
      sparse?: DatasetSplit['sparse'];
    },
    private readonly o: BatcherOptions,
  ) {
    const mem = (n: number, bytes: number): ArrayBuffer | SharedArrayBuffer =>
      o.shared ? new SharedArrayBuffer(n * bytes) : new ArrayBuffer(n * bytes);
    const ny = o.batchSize * o.labelSize;
    const softSize = src.soft ? (o.softSize ?? 0) : 0;
    if (src.soft && src.soft.length !== src.n * softSize)
      throw new Error(`soft values: expected ${src.n} × ${softSize}, got ${src.soft.length}`);
    this.sets = Array.from({ length: o.shared ? 2 : 1 }, () => ({
      x: new Float32Array(mem(o.batchSize * o.rowSize, 4)),
      y:
        o.labels === 'int64'
          ? new BigInt64Array(mem(ny, 8))
          : o.labels === 'int32'
            ? new Int32Array(mem(ny, 4))
            : new Float32Array(mem(ny, 4)),
      soft: new Float32Array(mem(o.batchSize * softSize, 4)),
    }));
    this.order = new Uint32Array(mem(src.n, 4));
    for (let i = 0; i < src.n; i++) this.order[i] = i;
    this.batches = Math.ceil(src.n / o.batchSize);
    this.random = seededRandom(o.seed);
  }

  get x(): Float32Array {
    return this.sets[this.slot].x;
  }

  get y(): LabelArray {
    return this.sets[this.slot].y;
  }

  /** The batch's rows of the source's `soft` values (empty without them). */
  get soft(): Float32Array {
    return this.sets[this.slot].soft;
  }

  /** Makes the other buffer set current (two sets only). */
  flip(): void {
    this.slot = (this.slot + 1) % this.sets.length;
  }

  /** Starts an epoch: a fresh permutation when shuffling. */
  startEpoch(): void {
    if (this.o.shuffle) shuffleInPlace(this.order, this.random);
  }

  /** Whether `fill` cannot be used: the rows are decoded from files by `fillAsync`. */
  get lazy(): boolean {
    return this.src.lazy !== undefined;
  }

  /**
   * Batch `b` for any source: a lazy one decodes the batch's rows (same order, same buffers as
   * `fill`), an in-memory one is `fill`.
   */
  async fillAsync(b: number, signal?: AbortSignal): Promise<number> {
    if (!this.src.lazy) return this.fill(b);
    const { batchSize } = this.o;
    const start = b * batchSize;
    const count = Math.min(batchSize, this.src.n - start);
    await readRowsAt(this.src, this.order.subarray(start, start + count), this.x, signal);
    return this.fillLabels(start, count);
  }

  /** Copies batch `b` of the current order into the buffers; returns its number of rows. */
  fill(b: number): number {
    if (this.src.lazy) throw new Error('a lazy split is read with fillAsync');
    const { batchSize, rowSize } = this.o;
    const start = b * batchSize;
    const count = Math.min(batchSize, this.src.n - start);
    const { x, sparse } = this.src;
    if (sparse) {
      densifyRowsAt(sparse, this.order.subarray(start, start + count), this.x);
      return this.fillLabels(start, count);
    }
    for (let i = 0; i < count; i++) {
      const r = this.order[start + i];
      this.x.set(x.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
    }
    return this.fillLabels(start, count);
  }

  private fillLabels(start: number, count: number): number {
    const { labelSize } = this.o;
    const { y, soft } = this.src;
    const w = this.o.softSize ?? 0;
    if (soft)
      for (let i = 0; i < count; i++) {
        const r = this.order[start + i];
        this.soft.set(soft.subarray(r * w, (r + 1) * w), i * w);
      }
    for (let i = 0; i < count; i++) {
      const r = this.order[start + i];
      if (this.y instanceof BigInt64Array) {
        this.y[i] = BigInt(y[r]);
      } else if (labelSize === 1) {
        this.y[i] = y[r]!;
      } else {
        this.y.set(y.subarray(r * labelSize, (r + 1) * labelSize), i * labelSize);
      }
    }
    return count;
  }
}

/** `balanced` weights (n / (k × count_c), as scikit-learn), or the given list checked against `k`. */
export function classWeightsFor(
  spec: 'none' | 'balanced' | number[],
  y: Int32Array | Float32Array,
  k: number,
): Float32Array | undefined {
  if (spec === 'none') return undefined;
  if (Array.isArray(spec)) {
    if (spec.length !== k) throw new Error(`classWeights has ${spec.length} entries but the dataset has ${k} classes`);
    return Float32Array.from(spec);
  }
  const counts = new Float64Array(k);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const w = new Float32Array(k);
  for (let c = 0; c < k; c++) w[c] = counts[c] > 0 ? y.length / (k * counts[c]) : 0;
  return w;
}
