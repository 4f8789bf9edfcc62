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

function settle(split: DatasetSplit, x: Float32Array): void {
  Object.defineProperty(split, 'x', { value: x, writable: true, enumerable: true, configurable: true });
  pending.delete(split);
}

/** `split` with an `x` that `build` writes on first read; `bytes` is its size once built. */
export function deferFeatures(split: Omit<DatasetSplit, 'x'>, bytes: number, build: () => Float32Array): DatasetSplit {
  const out = split as DatasetSplit;
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
