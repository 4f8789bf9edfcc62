/**
 * Reads one JSON number from UTF-8 bytes into the same double `JSON.parse` gives.
 *
 * Decimal significands below 2^53 with at most 22 fraction digits are one exact division or
 * multiplication (Clinger's fast path, correctly rounded by IEEE arithmetic). Significands of
 * 16-19 digits (most doubles printed at full precision) take a candidate quotient and check it:
 * the residual M - v·10^k is computed exactly with Dekker's product and compared with half the
 * gap to v's neighbours; a neighbour is tried when the residual says so. Anything else, and any
 * residual too close to a tie to decide, goes through `Number()` on the text.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const EXACT_BELOW = 2 ** 53;
const SPLITTER = 2 ** 27 + 1;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;

/** The next double away from zero (`up`) or towards zero, for a finite positive `v`. */
function step(v: number, up: boolean): number {
  bits[0] = v;
  if (up) {
    if (words[LOW] === 0xffffffff) words[HIGH]++;
    words[LOW]++;
  } else {
    if (words[LOW] === 0) words[HIGH]--;
    words[LOW]--;
  }
  return bits[0];
}

/** `a·b` as `hi + lo` exactly (Dekker): the low part; the high part is `a * b`. */
function productError(a: number, b: number, hi: number): number {
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return al * bl - (hi - ah * bh - al * bh - ah * bl);
}

/**
 * Whether `v` is the double nearest to (p + r) / d: undefined when the residual is too close
 * to half a gap to say, else the direction to move (0 = v is right, 1 = up, -1 = down).
 */
function verdict(v: number, p: number, r: number, d: number): 0 | 1 | -1 | undefined {
  const s = v * d;
  const residual = p - s - productError(v, d, s) + r;
  const gap = ((residual >= 0 ? step(v, true) - v : v - step(v, false)) * d) / 2;
  const size = Math.abs(residual);
  if (Math.abs(size - gap) <= gap * 2 ** -20) return undefined;
  if (size < gap) return 0;
  return residual > 0 ? 1 : -1;
}

/** `hi·10^t + lo` over `10^k` for a significand of 16-19 digits, or undefined if not certain. */
function longQuotient(hi: number, t: number, lo: number, k: number): number | undefined {
  const d = POW10[k];
  const scale = POW10[t];
  const p = hi * scale;
  const r = productError(hi, scale, p) + lo;
  let v = (p + r) / d;
  for (let tries = 0; tries < 3; tries++) {
    const move = verdict(v, p, r, d);
    if (move === undefined) return undefined;
    if (move === 0) return v;
    v = step(v, move > 0);
  }
  return undefined;
}

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

/**
 * The JSON number starting at `at.pos`, which is moved past it; NaN when the bytes there are not
 * one (NaN is never a JSON number).
 */
export function readJsonNumber(buf: Buffer, at: { pos: number }): number {
  const start = at.pos;
  let pos = start;
  let c = buf[pos];
  const negative = c === MINUS;
  if (negative) c = buf[++pos];
  const digitsStart = pos;
  let m = 0;
  let e10 = 0;
  if (c === ZERO) c = buf[++pos];
  else if (isDigit(c)) {
    do {
      m = m * 10 + (c - ZERO);
      c = buf[++pos];
    } while (isDigit(c));
  } else return NaN;
  if (c === DOT) {
    c = buf[++pos];
    if (!isDigit(c)) return NaN;
    do {
      m = m * 10 + (c - ZERO);
      e10--;
      c = buf[++pos];
    } while (isDigit(c));
  }
  const digitsEnd = pos;
  if (c === 0x65 || c === 0x45) {
    c = buf[++pos];
    const negativeExp = c === MINUS;
    if (negativeExp || c === PLUS) c = buf[++pos];
    if (!isDigit(c)) return NaN;
    let x = 0;
    do {
      if (x < 1e6) x = x * 10 + (c - ZERO);
      c = buf[++pos];
    } while (isDigit(c));
    e10 += negativeExp ? -x : x;
  }
  at.pos = pos;
  let v: number | undefined;
  if (m < EXACT_BELOW && e10 >= -22 && e10 <= 22) v = e10 < 0 ? m / POW10[-e10] : m * POW10[e10];
  else if (e10 < 0 && e10 >= -22) v = longSignificand(buf, digitsStart, digitsEnd, -e10);
  if (v === undefined) return Number(buf.toString('latin1', start, pos));
  return negative ? -v : v;
}

/** A significand of 16-19 significant digits over 10^k, re-read from its digits. */
function longSignificand(buf: Buffer, from: number, to: number, k: number): number | undefined {
  let hi = 0;
  let lo = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c === DOT || (c === ZERO && count === 0)) continue;
    if (count < 15) hi = hi * 10 + (c - ZERO);
    else lo = lo * 10 + (c - ZERO);
    count++;
  }
  if (count < 16 || count > 19) return undefined;
  return longQuotient(hi, count - 15, lo, k);
}
