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
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;
/** The gap above a positive double, by its 11 exponent bits. */
const ULP = Float64Array.from({ length: 2048 }, (_, e) => 2 ** (Math.max(e, 1) - 1075));

/** Veltkamp's split of `a` into a high half of 26 bits and the rest. */
function high(a: number): number {
  const c = SPLITTER * a;
  return c - (c - a);
}
const POW10_HIGH = POW10.map(high);

/** The rounding error of `a * b` (Dekker), given `ah = high(a)`, `bh = high(b)` and `ab = a * b`. */
function productError(a: number, ah: number, b: number, bh: number, ab: number): number {
  const al = a - ah;
  const bl = b - bh;
  return al * bl - (ab - ah * bh - al * bh - ah * bl);
}

/**
 * The double nearest to `(hi·10^t + lo) / 10^k`, or NaN when the residual is too close to a tie
 * to decide here.
 */
function longQuotient(hi: number, t: number, lo: number, k: number): number {
  const d = POW10[k];
  const dh = POW10_HIGH[k];
  const scale = POW10[t];
  const p = hi * scale;
  const r = productError(hi, high(hi), scale, POW10_HIGH[t], p) + lo;
  let v = (p + r) / d;
  for (let tries = 0; tries < 3; tries++) {
    const s = v * d;
    const residual = p - s - productError(v, high(v), d, dh, s) + r;
    bits[0] = v;
    const up = ULP[words[HIGH] >>> 20];
    const down = (words[HIGH] & 0xfffff) === 0 && words[LOW] === 0 ? up / 2 : up;
    const half = ((residual < 0 ? down : up) * d) / 2;
    const size = Math.abs(residual);
    if (Math.abs(size - half) <= half * 2 ** -20) return NaN;
    if (size < half) return v;
    v = residual > 0 ? v + up : v - down;
  }
  return NaN;
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
  let v = NaN;
  if (m < EXACT_BELOW && e10 >= -22 && e10 <= 22) v = e10 < 0 ? m / POW10[-e10] : m * POW10[e10];
  else if (e10 < 0 && e10 >= -22) v = longSignificand(buf, digitsStart, digitsEnd, -e10);
  if (Number.isNaN(v)) return Number(buf.toString('latin1', start, pos));
  return negative ? -v : v;
}

/** A significand of 16-19 significant digits over 10^k, re-read from its digits; NaN if undecided. */
function longSignificand(buf: Buffer, from: number, to: number, k: number): number {
  let i = from;
  let c = buf[i];
  while (c === ZERO || c === DOT) c = buf[++i];
  let hi = 0;
  let count = 0;
  for (; i < to && count < 15; i++) {
    c = buf[i];
    if (c === DOT) continue;
    hi = hi * 10 + (c - ZERO);
    count++;
  }
  let lo = 0;
  let t = 0;
  for (; i < to; i++) {
    c = buf[i];
    if (c === DOT) continue;
    lo = lo * 10 + (c - ZERO);
    t++;
  }
  return t === 0 || t > 4 ? NaN : longQuotient(hi, t, lo, k);
}

const FLOAT32_MAX = 3.4028234663852886e38;
/**
 * Relative bound on how far the quick quotient below may lie from the double `JSON.parse` gives:
 * significands below 10^25 take at most 2 roundings a step past 2^53 (a step adds one or four
 * digits), plus one for the division and half an ulp for the correctly rounded double, all under
 * 2^-48; this leaves a wide margin.
 */
const QUICK_ERROR = 2 ** -44;
const QUICK_BELOW = 1e25;

/** Four ASCII digits read as one little-endian word, as a number 0-9999; -1 if any byte is not a digit. */
function fourDigits(word: number): number {
  const t = (word - 0x30303030) | 0;
  // A byte below '0' sets its top bit in t, one above '9' in word + 0x46; carries only add false alarms.
  if ((((word + 0x46464646) | t) & 0x80808080) !== 0) return -1;
  const pairs = (t * 10 + (t >>> 8)) & 0x00ff00ff;
  return (pairs * 100 + (pairs >>> 16)) & 0xffff;
}

/**
 * `Math.fround` of the double nearest `m / 10^k`, where `m` is a decimal significand accumulated
 * as readJsonFloat32 does (digit by digit, fraction digits four at a time) and `k` the number of
 * fraction digits; NaN where that is not decided here (`m` from 10^25 on, `k` above 22, or a
 * bracket that straddles two float32s), and the exact reader must decide.
 */
export function quickFloat32(m: number, k: number): number {
  if (!(k <= 22 && m < QUICK_BELOW)) return NaN;
  const v = k > 0 ? m / POW10[k] : m;
  if (m < EXACT_BELOW) return Math.fround(v);
  const f = Math.fround(v * (1 - QUICK_ERROR));
  return f === Math.fround(v * (1 + QUICK_ERROR)) && v * (1 + QUICK_ERROR) < FLOAT32_MAX ? f : NaN;
}

/**
 * The JSON number at `at.pos` of `buf` (seen through `view`) as `Math.fround` of the double
 * `JSON.parse` gives, moving `at.pos` past it; NaN when the bytes are not a JSON number or that
 * double is not finite or beyond the float32 range (the caller then reads the numbers as doubles,
 * to say which value is wrong).
 *
 * Rounding a double to float32 only depends on which float32 rounding interval it falls in, so a
 * quotient known to within `QUICK_ERROR` of the exact double is enough whenever both ends of that
 * bracket round to the same float32, which fails for about one number in 2^20; those, exponents
 * and anything past 22 fraction digits are read exactly by `readJsonNumber`. Fraction digits are
 * read four to a 32-bit load.
 */
export function readJsonFloat32(buf: Buffer, view: DataView, at: { pos: number }): number {
  const start = at.pos;
  let pos = start;
  let c = buf[pos];
  const negative = c === MINUS;
  if (negative) c = buf[++pos];
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
    const last = buf.length - 4;
    while (pos <= last) {
      const four = fourDigits(view.getUint32(pos, true));
      if (four < 0) break;
      m = m * 10000 + four;
      e10 -= 4;
      pos += 4;
    }
    c = buf[pos];
    while (isDigit(c)) {
      m = m * 10 + (c - ZERO);
      e10--;
      c = buf[++pos];
    }
  }
  if (c !== 0x65 && c !== 0x45) {
    const f = quickFloat32(m, -e10);
    if (f === f) {
      at.pos = pos;
      return negative ? -f : f;
    }
  }
  at.pos = start;
  const d = readJsonNumber(buf, at);
  return Math.abs(d) <= FLOAT32_MAX ? Math.fround(d) : NaN;
}
