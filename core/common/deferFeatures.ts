/**
 * A tabular split's `x` written on first read rather than by every preprocessing node: prep.split,
 * the scalers, imputers and encoders fit on the training rows and hand on a split whose `x` is an
 * accessor that assembles it from the raw columns once, then keeps it as a plain value. A chain
 * split → impute → standardize → one-hot → trainer writes `x` once, in the trainer, instead of once
 * per node. Copying the split (spread, structured clone, the cache's codec) reads `x` and so builds
 * it; `splitFields` copies a split without reading it. A dataset's `fingerprint` (a hash of the
 * whole table) is deferred the same way (`deferField`) until a trainer records it; `withFields`
 * copies a dataset without computing it.
 */
import type { DatasetSplit } from './values';

/** Objects with a field still to be built: the field's name and its size in bytes once built. */
const pending = new WeakMap<object, { key: string; bytes: number }>();

/**
 * A deferred `x` written a few rows at a time instead of whole (the trainer's chunked feed, see
 * core/node/training/Batcher.ts): `write(src, dst, out)` writes the split's rows `src[j]` (indices
 * into the split) as rows `dst[j]` of `out` (row-major, `width` floats a row), the same float32
 * values as those rows of the built `x`, and leaves the other rows of `out` as they are. The raw
 * columns are read in `src` order: ascending `src` reads them front to back.
 */
export interface FeatureRows {
  width: number;
  write(src: ArrayLike<number>, dst: ArrayLike<number>, out: Float32Array): void;
}

/** The row writers of splits whose `x` is still unbuilt. */
const rowWriters = new WeakMap<object, FeatureRows>();

function settle(split: DatasetSplit, x: Float32Array): void {
  Object.defineProperty(split, 'x', { value: x, writable: true, enumerable: true, configurable: true });
  pending.delete(split);
  rowWriters.delete(split);
}

/**
 * `split` with an `x` that `build` writes on first read; `bytes` is its size once built. With
 * `rows`, a reader that needs only some rows at a time can write them without building `x`
 * (`pendingRows`).
 */
export function deferFeatures(
  split: Omit<DatasetSplit, 'x'>,
  bytes: number,
  build: () => Float32Array,
  rows?: FeatureRows,
): DatasetSplit {
  const out = split as DatasetSplit;
  if (rows) rowWriters.set(out, rows);
  Object.defineProperty(out, 'x', {
    enumerable: true,
    configurable: true,
    get(): Float32Array {
      const x = build();
      settle(out, x);
      return x;
    },
    set(x: Float32Array) {
      settle(out, x);
    },
  });
  pending.set(out, { key: 'x', bytes });
  return out;
}

/**
 * The size field `key` (a split's `x` unless said) will have when a deferred one (`deferFeatures`,
 * `deferSized`) is still unbuilt; undefined once built or for any other object or field.
 */
export function pendingBytes(obj: object, key = 'x'): number | undefined {
  const p = pending.get(obj);
  return p?.key === key ? p.bytes : undefined;
}

/** How to write some of a split's rows when its `x` is still unbuilt and can be written by rows; else undefined. */
export function pendingRows(split: DatasetSplit): FeatureRows | undefined {
  return pendingBytes(split) === undefined ? undefined : rowWriters.get(split);
}

/** The rows `rows` (indices into the source's split, in that order) of a row writer, as a writer of their own. */
export function rowsOf(source: FeatureRows, rows: ArrayLike<number>): FeatureRows {
  return {
    width: source.width,
    write(src, dst, out) {
      const at = new Int32Array(src.length);
      for (let j = 0; j < src.length; j++) at[j] = rows[src[j]];
      source.write(at, dst, out);
    },
  };
}

/** A shallow copy of a split's fields other than `x` and `sparse`, without writing a deferred `x`. */
export function splitFields(split: DatasetSplit): Omit<DatasetSplit, 'x' | 'sparse'> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(split)) if (k !== 'x' && k !== 'sparse') out[k] = split[k as keyof DatasetSplit];
  return out as Omit<DatasetSplit, 'x' | 'sparse'>;
}

/** `obj` whose field `key` is computed by `build` on first read (on `obj` or a `withFields` copy), then kept as a plain value. */
export function deferField<T extends object, K extends keyof T & string>(obj: T, key: K, build: () => T[K]): T {
  let value: T[K] | undefined;
  let built = false;
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get(this: T): T[K] {
      if (!built) {
        value = build();
        built = true;
      }
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      return value as T[K];
    },
    set(this: T, v: T[K]) {
      Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
    },
  });
  return obj;
}

/** `deferField` for a large field whose size is known before it is built: `pendingBytes(obj, key)` says it until then. */
export function deferSized<T extends object, K extends keyof T & string>(
  obj: T,
  key: K,
  bytes: number,
  build: () => T[K],
): T {
  pending.set(obj, { key, bytes });
  return deferField(obj, key, () => {
    pending.delete(obj);
    return build();
  });
}

/** A shallow copy of `obj` with `fields` set, keeping deferred fields (`deferField`) deferred. */
export function withFields<T extends object>(obj: T, fields: Partial<T>): T {
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(obj)) as T;
  for (const [k, v] of Object.entries(fields))
    Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
  return out;
}
