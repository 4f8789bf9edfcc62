import { deserialize, serialize } from 'node:v8';
import { pendingBytes } from '../../common/deferFeatures';

const MAGIC = Buffer.from('WEFTBIN1', 'latin1');
const ALIGN = 64;
/** Typed arrays at least this large are stored as raw bytes outside the v8-serialized skeleton. */
const MIN_BLOB_BYTES = 64 * 1024;
const MARK = '__weftBlob';

const CTORS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type CtorName = keyof typeof CTORS;
type AnyTyped = InstanceType<(typeof CTORS)[CtorName]>;

interface BlobRef {
  type: CtorName;
  offset: number;
  length: number;
}

function blobType(v: object): CtorName | undefined {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return undefined;
  const name = v.constructor.name as CtorName;
  return CTORS[name] === v.constructor ? name : undefined;
}

const isObject = (x: unknown): boolean => typeof x === 'object' && x !== null;
const pad = (n: number): number => (ALIGN - (n % ALIGN)) % ALIGN;

/**
 * Splits a value into a small v8-serialized skeleton and the bytes of its large typed arrays, which
 * are written as they are (views, no copy), each at a 64-byte aligned offset. The pieces, joined,
 * are the file: magic, skeleton length (u32), skeleton, then the aligned arrays.
 */
export function encodeEntry(value: unknown): Uint8Array[] {
  const blobs: AnyTyped[] = [];
  const index = new Map<AnyTyped, number>();
  const refs: BlobRef[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const t = blobType(v);
    if (t) {
      const ta = v as AnyTyped;
      if (ta.byteLength < MIN_BLOB_BYTES) return v;
      let i = index.get(ta);
      if (i === undefined) {
        i = blobs.length;
        index.set(ta, i);
        blobs.push(ta);
      }
      return { [MARK]: i };
    }
    if (Array.isArray(v)) {
      return v.some(isObject) ? v.map(walk) : v;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  };
  const root = walk(value);
  let offset = 0;
  for (const b of blobs) {
    refs.push({ type: blobType(b)!, offset, length: b.length });
    offset += b.byteLength + pad(b.byteLength);
  }
  const skeleton = serialize({ root, refs });
  const head = Buffer.alloc(12);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(skeleton.length, 8);
  const lead = 12 + skeleton.length;
  const pieces: Uint8Array[] = [head, skeleton, new Uint8Array(pad(lead))];
  for (const b of blobs) {
    pieces.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    if (pad(b.byteLength)) pieces.push(new Uint8Array(pad(b.byteLength)));
  }
  return pieces;
}

/**
 * Reads what `encodeEntry` wrote; `bytes` must start at offset 0 of its ArrayBuffer so the arrays
 * are views of it, not copies. Entries written before this format (plain v8.serialize) still decode.
 */
export function decodeEntry(bytes: Uint8Array): unknown {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC)) return deserialize(buf);
  const len = buf.readUInt32LE(8);
  const { root, refs } = deserialize(buf.subarray(12, 12 + len)) as { root: unknown; refs: BlobRef[] };
  const base = bytes.byteOffset + 12 + len + pad(12 + len);
  const arrays = refs.map((r) => {
    const C = CTORS[r.type];
    const start = base + r.offset;
    if (
      start % C.BYTES_PER_ELEMENT !== 0 ||
      start + r.length * C.BYTES_PER_ELEMENT > bytes.byteOffset + bytes.byteLength
    )
      throw new Error('cache entry layout is inconsistent');
    return new C(bytes.buffer as ArrayBuffer, start, r.length);
  });
  const revive = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      if (v.some(isObject)) for (let i = 0; i < v.length; i++) v[i] = revive(v[i]);
      return v;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    const o = v as Record<string, unknown>;
    if (typeof o[MARK] === 'number' && Object.keys(o).length === 1) {
      const a = arrays[o[MARK]];
      if (!a) throw new Error('cache entry refers to a missing array');
      return a;
    }
    for (const k of Object.keys(o)) o[k] = revive(o[k]);
    return o;
  };
  return revive(root);
}

/** Bytes a value would take in the cache: typed arrays by size, strings by length, containers walked (a deferred `x` by its size, unwritten; no deferred field is built). */
export function estimateBytes(value: unknown): number {
  const seen = new Set<object>();
  const size = (v: unknown): number => {
    if (typeof v === 'string') return v.length + 4;
    if (typeof v !== 'object' || v === null) return 8;
    if (seen.has(v)) return 0;
    seen.add(v);
    if (ArrayBuffer.isView(v)) return v.byteLength;
    if (v instanceof ArrayBuffer) return v.byteLength;
    if (Array.isArray(v)) {
      let s = 8;
      for (const x of v) s += size(x);
      return s;
    }
    if (v instanceof Map) {
      let s = 8;
      for (const [k, x] of v) s += size(k) + size(x);
      return s;
    }
    // a split's deferred x, or a shuffled column's values, counts at its size without being built, and
    // any other field still deferred (a getter: a dataset's table fingerprint) as a short one (see deferFeatures)
    let s = 8;
    for (const k of Object.keys(v)) {
      const later = pendingBytes(v, k) ?? (Object.getOwnPropertyDescriptor(v, k)?.get ? 24 : undefined);
      s += k.length + (later ?? size((v as Record<string, unknown>)[k]));
    }
    return s;
  };
  return size(value);
}
