/**
 * The one way node-side code reads feature rows of a DatasetSplit, whether its features are in
 * memory (`x`) or lazy (decoded from files on demand, see `LazyImageRows` in core/common/values.ts).
 */
import path from 'node:path';
import type { DatasetSplit, DatasetValue } from '../../common';
import { densifyRows, densifyRowsAt, takeCsrRows } from '../../common/sparse';
import { UserError } from '../executors/Executor';
import { decodeImageFiles, listSome } from './readImages';
import { deferFeatures, pendingBytes, pendingRows, rowsOf } from '../../common/deferFeatures';

/** Floats per row of a split. */
export function rowSizeOf(split: DatasetSplit): number {
  const l = split.lazy;
  if (l) return (l.color === 'rgb' ? 3 : 1) * l.width * l.height;
  if (split.sparse) return split.sparse.cols;
  const unbuilt = pendingBytes(split);
  if (unbuilt !== undefined) return split.n > 0 ? unbuilt / 4 / split.n : 0;
  return split.n > 0 ? split.x.length / split.n : 0;
}

/**
 * Rows `indices[i]` of the split into `into` (row i at `i × rowSize`). In-memory splits copy from
 * `x`; lazy ones decode their files with the image folder reader's own decode. A lazy file that
 * passed the header check when listed but no longer decodes is an error naming it (rows cannot be
 * skipped once the splits are fixed).
 */
export async function readRowsAt(
  split: DatasetSplit,
  indices: ArrayLike<number>,
  into: Float32Array,
  signal?: AbortSignal,
): Promise<void> {
  const rowSize = rowSizeOf(split);
  const l = split.lazy;
  if (split.sparse) {
    densifyRowsAt(split.sparse, indices, into);
    return;
  }
  if (!l) {
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i];
      into.set(split.x.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
    }
    return;
  }
  const files = Array.from({ length: indices.length }, (_, i) => l.files[indices[i]]);
  const ok = await decodeImageFiles(files, l, into, signal ? { signal } : {});
  const bad = files.filter((_, i) => !ok[i]);
  if (bad.length) {
    throw new UserError(
      `${bad.length} image${bad.length > 1 ? 's' : ''} could not be decoded while loading a batch: ${listSome(bad.map((f) => path.basename(path.dirname(f)) + '/' + path.basename(f)))}; ` +
        'fix or remove them and run data.images again',
    );
  }
}

/**
 * Rows `start..start+count` of the split as one array: a view of `x` (no copy) for in-memory
 * splits, freshly decoded rows for lazy ones, densified rows for sparse ones. Treat the result as read-only.
 */
export async function readRows(
  split: DatasetSplit,
  start: number,
  count: number,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const rowSize = rowSizeOf(split);
  if (split.sparse) return densifyRows(split.sparse, start, count);
  if (!split.lazy) return split.x.subarray(start * rowSize, (start + count) * rowSize);
  const out = new Float32Array(count * rowSize);
  await readRowsAt(
    split,
    Uint32Array.from({ length: count }, (_, i) => start + i),
    out,
    signal,
  );
  return out;
}

/**
 * For a split whose `x` is unbuilt and written by rows (`pendingRows`: a tabular split after
 * prep.split and its fitted steps), a writer of consecutive rows, up to `batch` a call: rows
 * `start .. start + count` written from the raw columns into one buffer reused by every call (a
 * result is valid until the next call), so a pass over the split never builds `x`; else undefined.
 */
export function pendingBatches(
  split: DatasetSplit,
  batch: number,
): ((start: number, count: number) => Float32Array) | undefined {
  const rows = split.lazy || split.sparse ? undefined : pendingRows(split);
  if (!rows) return undefined;
  const size = Math.min(batch, split.n);
  const buffer = new Float32Array(size * rows.width);
  const src = new Int32Array(size);
  const dst = Int32Array.from({ length: size }, (_, i) => i);
  return (start, count) => {
    if (count > size) throw new Error(`pendingBatches: ${count} rows asked for, at most ${size} a call`);
    for (let i = 0; i < count; i++) src[i] = start + i;
    rows.write(src.subarray(0, count), dst.subarray(0, count), buffer);
    return buffer.subarray(0, count * rows.width);
  };
}

/**
 * A reader of consecutive rows of a split, up to `batch` rows a read, for a pass over it in order
 * (inference): `readRows`, except that a split whose `x` is unbuilt is written a batch at a time
 * (`pendingBatches`) instead of building `x` (200,000 × 48 floats, 37 MiB of new memory, for the
 * 1M-row bench's test split). A result is valid until the next read.
 */
export function batchReader(
  split: DatasetSplit,
  batch: number,
): (start: number, count: number, signal?: AbortSignal) => Promise<Float32Array> {
  const write = pendingBatches(split, batch);
  if (!write) return (start, count, signal) => readRows(split, start, count, signal);
  return (start, count) => Promise.resolve(write(start, count));
}

/** A new split of rows `rows` of `split`: a lazy split keeps only those files, an in-memory one copies them. */
export function takeRows(split: DatasetSplit, rows: ArrayLike<number>, labelSize: number): DatasetSplit {
  const k = rows.length;
  const y = split.y instanceof Int32Array ? new Int32Array(k * labelSize) : new Float32Array(k * labelSize);
  for (let i = 0; i < k; i++) y.set(split.y.subarray(rows[i] * labelSize, (rows[i] + 1) * labelSize), i * labelSize);
  if (split.lazy) {
    const files = Array.from({ length: k }, (_, i) => split.lazy!.files[rows[i]]);
    return { x: new Float32Array(0), y, n: k, lazy: { ...split.lazy, files } };
  }
  if (split.sparse) return { x: new Float32Array(0), y, n: k, sparse: takeCsrRows(split.sparse, rows) };
  const source = pendingRows(split);
  if (source) {
    // x still unbuilt: the part's x is written from the raw columns when read, or a chunk at a time
    const part = rowsOf(source, rows);
    const build = (): Float32Array => {
      const x = new Float32Array(k * source.width);
      const each = Int32Array.from({ length: k }, (_, i) => i);
      part.write(each, each, x);
      return x;
    };
    return deferFeatures({ y, n: k }, k * source.width * 4, build, part);
  }
  const rowSize = rowSizeOf(split);
  const x = new Float32Array(k * rowSize);
  for (let i = 0; i < k; i++) x.set(split.x.subarray(rows[i] * rowSize, (rows[i] + 1) * rowSize), i * rowSize);
  return { x, y, n: k };
}

/**
 * Throws a UserError when a node that needs every row in memory gets a lazy dataset (one that
 * `data.images` left on disk because it exceeds its memory budget).
 */
export function refuseLazy(data: DatasetValue, node: string, what: string): void {
  const lazy = Object.entries(data.splits).filter(([, s]) => s.lazy);
  if (!lazy.length) return;
  throw new UserError(
    `node ${node}: ${what} needs the whole dataset in memory, but its ${lazy.map(([k]) => k).join(', ')} split` +
      `${lazy.length > 1 ? 's are' : ' is'} loaded per batch from disk because the image folder exceeds data.images' memoryBudgetMB; ` +
      'raise memoryBudgetMB (or lower width/height, use grayscale) so the folder loads into memory, or remove this node',
  );
}
