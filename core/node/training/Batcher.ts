import type { DatasetSplit } from '../../common';
import { seededRandom, shuffleInPlace } from '../../common/nodes/prep/random';
import { readRowsAt } from '../data/splitRows';
import { densifyRowsAt } from '../../common/sparse';
import type { FeatureRows } from '../../common/deferFeatures';

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
  /**
   * Bytes of features per chunk of a source fed by `rows` (see `Batcher`): the chunk holds as many
   * whole batches as fit, at least one.
   * @default CHUNK_BYTES
   */
  chunkBytes?: number;
}

/**
 * Bytes per chunk of the chunked feed (128 Ki rows of 48 floats): measured at 1M × 20 against
 * chunks of a quarter to four times as many rows (see docs/ARCHITECTURE.md, "Tables at a million rows").
 */
const CHUNK_BYTES = 24 * 2 ** 20;

/** A chunk's rows in ascending source order (`src`, indices into the split) and their places in the chunk (`dst`). */
interface ChunkPlan {
  src: Int32Array;
  dst: Int32Array;
  /** Scratch: each row's position in the order. */
  pos: Int32Array;
}

/** One set of batch buffers. */
export interface BatchBuffers {
  x: Float32Array;
  y: LabelArray;
  soft: Float32Array;
}

/**
 * Cuts a split into (shuffled) batches, copying rows into buffers allocated once. The full-size
 * buffers are reused every step; the last partial batch uses views of the same memory.
 *
 * A source with `rows` (a tabular split whose `x` is still unbuilt, `pendingRows`) is fed without
 * its `x`: each epoch's order is taken a chunk of whole batches at a time (`chunkBytes`); the chunk's rows are
 * written from the raw columns in ascending row order (each column read front to back) to their
 * places in one chunk buffer, allocated once, so the chunk's batches are contiguous in it
 * (`features(b)`, a view that needs no copy) and hold the same values, in the same order, as
 * batches copied out of the built `x`. A built `x` larger than two chunks (without `shared`) is fed
 * the same way, its rows copied instead of written (`readyRows`).
 */
export class Batcher {
  /** The buffer sets: one, or two with `shared`. */
  readonly sets: BatchBuffers[];
  /** Index in `sets` of the buffers `fill` writes. */
  slot = 0;
  readonly order: Uint32Array;
  readonly batches: number;
  private readonly random: () => number;
  /**
   * The chunked feed (a source with `rows`, or a large built `x`): its row writer, chunk size,
   * buffer, the epoch's plan and the chunk written.
   */
  private readonly chunk?: {
    writer: FeatureRows;
    rows: number;
    buffer: Float32Array;
    plan: ChunkPlan;
    written: number;
  };

  constructor(
    private readonly src: {
      x: Float32Array;
      rows?: FeatureRows;
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
    const chunkBytes = o.chunkBytes ?? CHUNK_BYTES;
    const inMemory = !src.lazy && !src.sparse;
    let writer = inMemory ? src.rows : undefined;
    // a built x larger than two chunks is fed a chunk at a time as well (`readyRows`)
    if (inMemory && !writer && !o.shared && src.x.length * 4 > 2 * chunkBytes) writer = readyRows(src.x, o.rowSize);
    if (writer) {
      if (writer.width !== o.rowSize)
        throw new Error(`feature rows: expected ${o.rowSize} values a row, got ${writer.width}`);
      const batches = Math.floor(chunkBytes / (4 * o.rowSize * o.batchSize));
      const per = Math.max(1, batches) * o.batchSize;
      const rows = Math.min(per, this.batches * o.batchSize);
      this.chunk = {
        writer,
        rows,
        buffer: new Float32Array(rows * o.rowSize),
        plan: { src: new Int32Array(src.n), dst: new Int32Array(src.n), pos: new Int32Array(src.n) },
        written: -1,
      };
      this.planChunks();
    }
  }

  /** Whether batches are written from the raw columns a chunk at a time (read them with `features`). */
  get chunked(): boolean {
    return this.chunk !== undefined;
  }

  /**
   * The epoch's chunks: chunk k holds the rows at positions `k·C .. (k+1)·C` of the order; its
   * entries in the plan, at the same positions, list its rows in ascending order with their places
   * in the chunk (a counting sort of the rows by chunk, two passes over the order).
   */
  private planChunks(): void {
    const c = this.chunk!;
    const { src, dst, pos } = c.plan;
    const n = this.src.n;
    for (let p = 0; p < n; p++) pos[this.order[p]] = p;
    const next = new Int32Array(Math.ceil(n / c.rows));
    for (let k = 0; k < next.length; k++) next[k] = k * c.rows;
    for (let r = 0; r < n; r++) {
      const p = pos[r];
      const k = (p / c.rows) | 0;
      const j = next[k]++;
      src[j] = r;
      dst[j] = p - k * c.rows;
    }
    c.written = -1;
  }

  /**
   * The rows of batch `b` of the current order (`rows × rowSize`): with the chunked feed, a view
   * of the chunk buffer, its chunk written first when it is not the one there; else the batch
   * buffer `fill` wrote.
   */
  features(b: number): Float32Array {
    const c = this.chunk;
    if (!c) return this.x;
    const { batchSize, rowSize } = this.o;
    const k = ((b * batchSize) / c.rows) | 0;
    if (c.written !== k) {
      const from = k * c.rows;
      const to = Math.min(this.src.n, from + c.rows);
      c.writer.write(c.plan.src.subarray(from, to), c.plan.dst.subarray(from, to), c.buffer);
      c.written = k;
    }
    const start = b * batchSize - k * c.rows;
    const count = Math.min(batchSize, this.src.n - b * batchSize);
    return c.buffer.subarray(start * rowSize, (start + count) * rowSize);
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
    if (!this.o.shuffle) return;
    shuffleInPlace(this.order, this.random);
    if (this.chunk) this.planChunks();
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

  /**
   * Copies batch `b` of the current order into the buffers; returns its number of rows. With the
   * chunked feed and `features: false`, only the labels (and soft values) are copied: the caller
   * reads the rows with `features(b)`.
   */
  fill(b: number, features = true): number {
    if (this.src.lazy) throw new Error('a lazy split is read with fillAsync');
    const { batchSize, rowSize } = this.o;
    const start = b * batchSize;
    const count = Math.min(batchSize, this.src.n - start);
    if (this.chunk) {
      if (features) this.x.set(this.features(b));
      return this.fillLabels(start, count);
    }
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

/**
 * A row writer (`FeatureRows`) over a built row-major `x`: rows `src[j]` copied to rows `dst[j]` of
 * `out` as 32-bit integers, so every value keeps its bits (a NaN read from a file keeps its
 * payload). A chunk's rows read in ascending order, then scattered in a chunk buffer, cost less
 * than reading each batch's rows in the shuffled order: feeding one epoch of 800,000 rows of 48
 * floats took 192–220 ms against 320–345 ms on the development VM (3 Dec 2026), where each row read
 * at random costs a cache and a TLB miss.
 */
function readyRows(x: Float32Array, width: number): FeatureRows {
  const from = new Int32Array(x.buffer, x.byteOffset, x.length);
  return {
    width,
    write(src, dst, out) {
      const to = new Int32Array(out.buffer, out.byteOffset, out.length);
      for (let j = 0; j < src.length; j++) {
        const s = src[j] * width;
        const d = dst[j] * width;
        for (let k = 0; k < width; k++) to[d + k] = from[s + k];
      }
    },
  };
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
