/** One field of a protobuf message: varints as numbers, length-delimited values as byte views. */
export interface ProtoField {
  field: number;
  wire: number;
  /** Varint (wire 0) or fixed (wire 1, 5) value; 0 for length-delimited fields. */
  num: number;
  /** Length-delimited payload (wire 2), or the 4/8 bytes of a fixed field. */
  bytes: Uint8Array;
  /** The whole field as written (tag included), for keeping fields a reader does not model. */
  raw: Uint8Array;
}

/** A minimal protobuf wire-format reader; reading past the end throws a RangeError. */
export class ProtoReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** A varint as a number; 64-bit two's-complement negatives come back negative. */
  varint(): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.buf.length) throw new RangeError('protobuf: varint runs past the end');
      const b = this.buf[this.pos++];
      if (k === 8 && b >= 0x80) return this.wideVarint(start);
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new RangeError('protobuf: varint longer than 10 bytes');
  }

  /** A varint of 10 bytes (a negative int64), read exactly with BigInt. */
  private wideVarint(start: number): number {
    this.pos = start;
    let v = 0n;
    for (let k = 0n; k < 10n; k++) {
      if (this.pos >= this.buf.length) throw new RangeError('protobuf: varint runs past the end');
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << (7n * k);
      if (b < 0x80) return Number(BigInt.asIntN(64, v));
    }
    throw new RangeError('protobuf: varint longer than 10 bytes');
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) throw new RangeError('protobuf: field runs past the end');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  next(): ProtoField {
    const start = this.pos;
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let num = 0;
    let bytes = this.buf.subarray(0, 0);
    if (wire === 0) num = this.varint();
    else if (wire === 2) bytes = this.take(this.varint());
    else if (wire === 5) {
      bytes = this.take(4);
      num = new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
    } else if (wire === 1) {
      bytes = this.take(8);
      num = new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
    } else throw new RangeError(`protobuf: unsupported wire type ${wire}`);
    return { field, wire, num, bytes, raw: this.buf.subarray(start, this.pos) };
  }
}

/** Every field of a message, in order. */
export function fieldsOf(bytes: Uint8Array): ProtoField[] {
  const r = new ProtoReader(bytes);
  const out: ProtoField[] = [];
  while (!r.done) out.push(r.next());
  return out;
}

/** Values of a repeated varint field, packed or not. */
export function varints(f: ProtoField): number[] {
  if (f.wire === 0) return [f.num];
  const r = new ProtoReader(f.bytes);
  const out: number[] = [];
  while (!r.done) out.push(r.varint());
  return out;
}

/** Values of a repeated float (4-byte) or double (8-byte) field, packed or not. */
export function fixeds(f: ProtoField, size: 4 | 8): number[] {
  if (f.wire !== 2) return [f.num];
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: number[] = [];
  for (let o = 0; o + size <= f.bytes.byteLength; o += size)
    out.push(size === 4 ? view.getFloat32(o, true) : view.getFloat64(o, true));
  return out;
}

/** The string a UTF-8 byte sequence spells (core/common has no TextDecoder). */
export function utf8Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length;) {
    const c = b[i];
    let cp: number;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c < 0xe0) {
      cp = ((c & 0x1f) << 6) | (b[i + 1] & 63);
      i += 2;
    } else if (c < 0xf0) {
      cp = ((c & 0x0f) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63);
      i += 3;
    } else {
      cp = ((c & 0x07) << 18) | ((b[i + 1] & 63) << 12) | ((b[i + 2] & 63) << 6) | (b[i + 3] & 63);
      i += 4;
    }
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** Concatenation of byte chunks. */
export function joinBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
