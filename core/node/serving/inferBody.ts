/**
 * A JSON reader for infer request bodies that reads each input's flat numeric `data` array
 * (`inputs[k].data`) straight into a typed array instead of an array of boxed numbers: a
 * Float32Array when the input's `"datatype": "FP32"` came before its data (what clients send),
 * holding what a Float32Array made from `JSON.parse`'s numbers would, otherwise a Float64Array.
 *
 * Every value it returns equals what `JSON.parse` gives, except that such `data` arrays are
 * typed arrays holding the same numbers, FP32 data rounded to float32 (see jsonNumber.ts); FP32
 * data with a value beyond float32 is read as doubles, so the checks can name it.
 * On anything it does not read exactly as the standard parser would (invalid JSON, a byte order
 * mark, `__proto__` or `constructor` keys, very deep nesting) it returns undefined, and the
 * caller hands the body to the standard parser, which answers as it always has.
 */
import { quickFloat32, readJsonFloat32, readJsonNumber } from './jsonNumber';

const MAX_DEPTH = 64;
/** Depth of `inputs[k].data`'s value: the root object is 1, `inputs` 2, each input object 3. */
const DATA_DEPTH = 3;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

class NotPlain extends Error {}
const notPlain = new NotPlain();

let scratch = new Float64Array(1024);
let scratch32 = new Float32Array(1024);

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

class Reader {
  pos = 0;

  private view?: DataView;

  constructor(private readonly buf: Buffer) {}

  fail(): never {
    throw notPlain;
  }

  space(): void {
    const buf = this.buf;
    let c = buf[this.pos];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++this.pos];
  }

  value(depth: number): unknown {
    const c = this.buf[this.pos];
    if (c === OPEN_OBJECT) return this.object(depth + 1);
    if (c === OPEN_ARRAY) return this.array(depth + 1);
    if (c === QUOTE) return this.string();
    if (c === MINUS || isDigit(c)) return this.number();
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.fail();
  }

  literal<T>(word: string, v: T): T {
    for (let i = 0; i < word.length; i++) if (this.buf[this.pos + i] !== word.charCodeAt(i)) this.fail();
    this.pos += word.length;
    return v;
  }

  object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail();
    const out: Record<string, unknown> = {};
    this.pos++;
    this.space();
    if (this.buf[this.pos] === CLOSE_OBJECT) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.buf[this.pos] !== QUOTE) this.fail();
      const key = this.string();
      if (key === '__proto__' || key === 'constructor') this.fail();
      this.space();
      if (this.buf[this.pos] !== COLON) this.fail();
      this.pos++;
      this.space();
      if (depth === DATA_DEPTH && key === 'data') out.data = this.data(depth, out.datatype === 'FP32');
      else {
        if (depth === DATA_DEPTH && key === 'datatype' && out.data instanceof Float32Array) this.fail();
        out[key] = this.value(depth);
      }
      this.space();
      const c = this.buf[this.pos++];
      if (c === CLOSE_OBJECT) return out;
      if (c !== COMMA) this.fail();
      this.space();
    }
  }

  /** A plain array; `head` holds the elements already read when a numeric read gave up. */
  array(depth: number, head?: unknown[]): unknown[] {
    if (depth > MAX_DEPTH) this.fail();
    const out = head ?? [];
    if (!head) {
      this.pos++;
      this.space();
      if (this.buf[this.pos] === CLOSE_ARRAY) {
        this.pos++;
        return out;
      }
    }
    for (;;) {
      out.push(this.value(depth));
      this.space();
      const c = this.buf[this.pos++];
      if (c === CLOSE_ARRAY) return out;
      if (c !== COMMA) this.fail();
      this.space();
    }
  }

  /** `inputs[k].data`: numbers straight into a Float32Array when the input said FP32 before its data. */
  data(depth: number, fp32: boolean): unknown {
    if (this.buf[this.pos] !== OPEN_ARRAY) return this.value(depth);
    if (fp32) {
      const start = this.pos;
      const read = this.float32s();
      if (read) return read;
      this.pos = start;
    }
    return this.numbers(depth + 1);
  }

  /**
   * A flat array of numbers, each rounded to float32 as `Float32Array` rounds the double
   * `JSON.parse` reads; undefined when it is anything else or holds a value beyond float32.
   *
   * The common number, `-?digits(.digits)?`, is read here as readJsonFloat32 reads it (fraction
   * digits four to a 32-bit load, then quickFloat32) with no call a number but quickFloat32's;
   * anything quickFloat32 leaves undecided, and any other number, goes to readJsonFloat32.
   */
  float32s(): Float32Array | undefined {
    const buf = this.buf;
    const view = (this.view ??= new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
    const last = buf.length - 4;
    let out = scratch32;
    let pos = this.pos + 1;
    let c = buf[pos];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++pos];
    if (c === CLOSE_ARRAY) return undefined;
    let n = 0;
    for (;;) {
      if (n === out.length) {
        const grown = new Float32Array(n * 2);
        grown.set(out);
        scratch32 = out = grown;
      }
      const start = pos;
      const negative = c === MINUS;
      if (negative) c = buf[++pos];
      let m = 0;
      let e10 = 0;
      let plain = true;
      if (c === ZERO) c = buf[++pos];
      else if (c >= ZERO && c <= NINE) {
        do {
          m = m * 10 + (c - ZERO);
          c = buf[++pos];
        } while (c >= ZERO && c <= NINE);
      } else plain = false;
      if (plain && c === DOT) {
        c = buf[++pos];
        if (c >= ZERO && c <= NINE) {
          while (pos <= last) {
            const word = view.getUint32(pos, true);
            const t = (word - 0x30303030) | 0;
            // A byte below '0' sets its top bit in t, one above '9' in word + 0x46.
            if ((((word + 0x46464646) | t) & 0x80808080) !== 0) break;
            const pairs = (t * 10 + (t >>> 8)) & 0x00ff00ff;
            m = m * 10000 + ((pairs * 100 + (pairs >>> 16)) & 0xffff);
            e10 += 4;
            pos += 4;
          }
          c = buf[pos];
          while (c >= ZERO && c <= NINE) {
            m = m * 10 + (c - ZERO);
            e10++;
            c = buf[++pos];
          }
        } else plain = false;
      }
      let v = plain && c !== 0x65 && c !== 0x45 ? quickFloat32(m, e10) : NaN;
      if (v === v) {
        if (negative) v = -v;
      } else {
        this.pos = start;
        v = readJsonFloat32(buf, view, this);
        if (v !== v) return undefined;
        pos = this.pos;
        c = buf[pos];
      }
      out[n++] = v;
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++pos];
      if (c === CLOSE_ARRAY) {
        this.pos = pos + 1;
        return out.slice(0, n);
      }
      if (c !== COMMA) return undefined;
      c = buf[++pos];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++pos];
    }
  }

  /** An array that is all numbers becomes a Float64Array; otherwise a plain array. */
  numbers(depth: number): Float64Array | unknown[] {
    const buf = this.buf;
    this.pos++;
    this.space();
    if (buf[this.pos] === CLOSE_ARRAY) {
      this.pos++;
      return [];
    }
    let n = 0;
    for (;;) {
      const c = buf[this.pos];
      if (c !== MINUS && !isDigit(c)) return this.array(depth, Array.from(scratch.subarray(0, n)));
      if (n === scratch.length) {
        const grown = new Float64Array(n * 2);
        grown.set(scratch);
        scratch = grown;
      }
      scratch[n++] = this.number();
      this.space();
      const next = buf[this.pos++];
      if (next === CLOSE_ARRAY) return scratch.slice(0, n);
      if (next !== COMMA) this.fail();
      this.space();
    }
  }

  number(): number {
    const v = readJsonNumber(this.buf, this);
    return Number.isNaN(v) ? this.fail() : v;
  }

  string(): string {
    const buf = this.buf;
    const start = ++this.pos;
    let escaped = false;
    for (;;) {
      const c = buf[this.pos];
      if (c === QUOTE) break;
      if (!(c >= 0x20)) this.fail();
      if (c === BACKSLASH) {
        escaped = true;
        this.pos += 2;
      } else this.pos++;
    }
    const end = this.pos++;
    if (!escaped) return buf.toString('utf8', start, end);
    return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
  }
}

/**
 * The body read as above, or undefined when the standard parser must read it (it is then either
 * invalid or unusual, and the standard parser's answer, value or error, is the one to give).
 */
export function readInferBody(body: Buffer): unknown {
  const r = new Reader(body);
  try {
    r.space();
    const v = r.value(0);
    r.space();
    return r.pos === body.length ? v : undefined;
  } catch {
    return undefined;
  }
}
