/**
 * WebAssembly function bodies for binary log loss in boosting (assembled into the module of
 * `histWasm.ts`): an exponential that computes what V8's `Math.exp` computes (fdlibm's method:
 * reduction by k·ln2 in two parts, a degree-5 rational kernel, scaling by 2^k), so gradients,
 * hessians and the loss are the same bit for bit as the JavaScript loop's, and the loop itself.
 */
import { F64, I32 } from '../wasm/encode';

const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const IF = 0x04;
const END = 0x0b;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
const RETURN = 0x0f;
const CALL = 0x10;
const SELECT = 0x1b;
const VOID = 0x40;
const I32_CONST = 0x41;
const F64_CONST = 0x44;
const I32_EQZ = 0x45;
const I32_EQ = 0x46;
const I32_LT_S = 0x48;
const I32_GE_U = 0x4f;
const I32_GT_U = 0x4b;
const I32_LT_U = 0x49;
const F64_EQ = 0x61;
const F64_LT = 0x63;
const F64_GT = 0x64;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_AND = 0x71;
const I32_OR = 0x72;
const I32_SHL = 0x74;
const I32_SHR_U = 0x76;
const I64_SHL = 0x86;
const I64_SHR_U = 0x88;
const F64_ABS = 0x99;
const F64_NEG = 0x9a;
const F64_ADD = 0xa0;
const F64_SUB = 0xa1;
const F64_MUL = 0xa2;
const F64_DIV = 0xa3;
const I32_WRAP_I64 = 0xa7;
const I32_TRUNC_SAT_F64_S = [0xfc, 0x02];
const I64_EXTEND_I32_U = 0xad;
const F32_DEMOTE_F64 = 0xb6;
const F64_CONVERT_I32_S = 0xb7;
const I64_REINTERPRET_F64 = 0xbd;
const F64_REINTERPRET_I64 = 0xbf;
const F64_LOAD = 0x2b;
const F32_STORE = 0x38;
const F64_STORE = 0x39;
const I32_LOAD = 0x28;

/** Signed LEB128 (i32.const immediates). */
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const i32 = (v: number) => [I32_CONST, ...sleb(v | 0)];
const f64 = (v: number) => [F64_CONST, ...new Uint8Array(Float64Array.of(v).buffer)];
/** The double whose high word is `hi` and low word `lo`. */
const f64Words = (hi: number, lo: number) => {
  const w = new Uint32Array([lo >>> 0, hi >>> 0]);
  return [F64_CONST, ...new Uint8Array(w.buffer)];
};

const LN2_HI = f64Words(0x3fe62e42, 0xfee00000);
const LN2_LO = f64Words(0x3dea39ef, 0x35793c76);
const INV_LN2 = f64Words(0x3ff71547, 0x652b82fe);
const P = [
  f64Words(0x3fc55555, 0x5555553e),
  f64Words(0xbf66c16c, 0x16bebd93),
  f64Words(0x3f11566a, 0xaf25de2c),
  f64Words(0xbebbbd41, 0xc5d26bf1),
  f64Words(0x3e663769, 0x72bea4d0),
];
const O_THRESHOLD = f64Words(0x40862e42, 0xfefa39ef);
const U_THRESHOLD = f64Words(0xc0874910, 0xd52d3051);
const E = f64Words(0x4005bf0a, 0x8b145769);
const TWO_M1000 = f64Words(0x01700000, 0);
const TWO_1023 = f64Words(0x7fe00000, 0);

/**
 * exp(x): param x; locals hx, sign, k (i32), hi, lo, t, c, y, xr (f64). Without branches on the
 * reduction: k = 0 below ½ ln2 (then hi = x, lo = 0, and the k ≠ 0 formula gives the same bits as
 * fdlibm's k = 0 one, since (xc)/(c − 2) = −((xc)/(2 − c)) exactly), ±1 below 1.5 ln2 (then
 * x − k ln2hi and k ln2lo are fdlibm's x ∓ ln2hi and ±ln2lo exactly), else the rounded quotient.
 */
const [X, HX, SIGN, K, HI, LO, T, C, Y, XR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
/** The high word of x as i32. */
const highWord = [GET, X, I64_REINTERPRET_F64, ...[0x42, 32], I64_SHR_U, I32_WRAP_I64];
/** The double with high word (i32 on the stack) and a zero low word. */
const fromHighWord = [I64_EXTEND_I32_U, ...[0x42, 32], I64_SHL, F64_REINTERPRET_I64];

export const expBody: number[] = [
  ...[2, 3, I32, 6, F64],
  ...[...highWord, TEE, HX, ...i32(31), I32_SHR_U, SET, SIGN],
  ...[GET, HX, ...i32(0x7fffffff), I32_AND, SET, HX],
  ...[GET, HX, ...i32(0x40862e42), I32_GE_U, IF, VOID],
  ...[GET, HX, ...i32(0x7ff00000), I32_GE_U, IF, VOID],
  ...[GET, HX, ...i32(0xfffff), I32_AND, GET, X, I64_REINTERPRET_F64, I32_WRAP_I64, I32_OR, IF, VOID],
  ...[GET, X, GET, X, F64_ADD, RETURN, END],
  ...[GET, X, ...f64(0), GET, SIGN, I32_EQZ, SELECT, RETURN, END],
  ...[GET, X, ...O_THRESHOLD, F64_GT, IF, VOID, ...f64(Infinity), RETURN, END],
  ...[GET, X, ...U_THRESHOLD, F64_LT, IF, VOID, ...f64(0), RETURN, END],
  END,
  ...[GET, HX, ...i32(0x3e300000), I32_LT_U, IF, VOID, ...f64(1), GET, X, F64_ADD, RETURN, END],
  ...[...i32(1), GET, SIGN, ...i32(1), I32_SHL, I32_SUB],
  ...[...INV_LN2, GET, X, F64_MUL, ...f64(-0.5), ...f64(0.5), GET, SIGN, SELECT, F64_ADD, ...I32_TRUNC_SAT_F64_S],
  ...[GET, HX, ...i32(0x3ff0a2b2), I32_LT_U, SELECT],
  ...[...i32(0), GET, HX, ...i32(0x3fd62e42), I32_GT_U, SELECT, SET, K],
  ...[GET, K, F64_CONVERT_I32_S, SET, T],
  ...[GET, X, GET, T, ...LN2_HI, F64_MUL, F64_SUB, SET, HI],
  ...[GET, T, ...LN2_LO, F64_MUL, SET, LO],
  ...[GET, HI, GET, LO, F64_SUB, SET, XR],
  ...[GET, XR, GET, XR, F64_MUL, SET, T],
  ...[GET, XR, GET, T, ...P[0], GET, T, ...P[1], GET, T, ...P[2], GET, T, ...P[3], GET, T, ...P[4]],
  ...[F64_MUL, F64_ADD, F64_MUL, F64_ADD, F64_MUL, F64_ADD, F64_MUL, F64_ADD, F64_MUL, F64_SUB, SET, C],
  ...[...f64(1), GET, LO, GET, XR, GET, C, F64_MUL, ...f64(2), GET, C, F64_SUB, F64_DIV, F64_SUB, GET, HI, F64_SUB],
  ...[F64_SUB, SET, Y],
  ...[GET, K, ...i32(-1021), I32_LT_S, GET, K, ...i32(1024), I32_EQ, I32_OR, IF, VOID],
  ...[GET, K, ...i32(1024), I32_EQ, IF, VOID, GET, Y, ...f64(2), F64_MUL, ...TWO_1023, F64_MUL, RETURN, END],
  ...[GET, Y, ...i32(0x3ff00000), GET, K, ...i32(1000), I32_ADD, ...i32(20), I32_SHL, I32_ADD, ...fromHighWord],
  ...[F64_MUL, ...TWO_M1000, F64_MUL, RETURN],
  END,
  ...[...E, GET, Y, ...i32(0x3ff00000), GET, K, ...i32(20), I32_SHL, I32_ADD, ...fromHighWord, F64_MUL],
  ...[GET, X, ...f64(1), F64_EQ, SELECT],
  END,
];

/**
 * `binaryLoss(raw, y, g, h, count, product, total) → total` (byte addresses of f64 raw scores, f64
 * labels, f32 gradients and hessians, a count, the f64 slot for the product, and the running loss):
 * per row `e = exp(−|s|)`, `p = σ(s)`, `g = p − y`, `h = p(1 − p)`; adds `max(s, 0) − y s` to the
 * loss and multiplies the product by `1 + e` (its log is taken by the caller). `exp` is function
 * `expIndex`. Locals s, e, q, p, label, product, onePlusE (f64).
 */
export function binaryLossBody(expIndex: number): number[] {
  const [RAW, YS, G, H, COUNT, PRODUCT, TOTAL] = [0, 1, 2, 3, 4, 5, 6];
  const [S, EX, Q, PR, LABEL, PROD, ONE_E] = [7, 8, 9, 10, 11, 12, 13];
  return [
    ...[1, 7, F64],
    ...[...f64(1), SET, PROD],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, COUNT, I32_EQZ, BR_IF, 1],
    ...[GET, RAW, F64_LOAD, 3, 0, SET, S, GET, YS, F64_LOAD, 3, 0, SET, LABEL],
    ...[GET, S, F64_ABS, F64_NEG, CALL, expIndex, TEE, EX, ...f64(1), F64_ADD, SET, ONE_E],
    ...[...f64(1), GET, ONE_E, F64_DIV, SET, Q],
    ...[GET, Q, GET, EX, GET, Q, F64_MUL, GET, S, ...f64(0), F64_GT, SELECT, SET, PR],
    ...[GET, PROD, GET, ONE_E, F64_MUL, SET, PROD],
    ...[GET, TOTAL, GET, S, ...f64(0), GET, S, ...f64(0), F64_GT, SELECT],
    ...[GET, S, ...f64(0), GET, LABEL, ...f64(1), F64_EQ, SELECT, F64_SUB, F64_ADD, SET, TOTAL],
    ...[GET, G, GET, PR, GET, LABEL, F64_SUB, F32_DEMOTE_F64, F32_STORE, 2, 0],
    ...[GET, H, GET, PR, ...f64(1), GET, PR, F64_SUB, F64_MUL, F32_DEMOTE_F64, F32_STORE, 2, 0],
    ...[GET, RAW, ...i32(8), I32_ADD, SET, RAW, GET, YS, ...i32(8), I32_ADD, SET, YS],
    ...[GET, G, ...i32(4), I32_ADD, SET, G, GET, H, ...i32(4), I32_ADD, SET, H],
    ...[GET, COUNT, ...i32(1), I32_SUB, SET, COUNT, BR, 0],
    ...[END, END],
    ...[GET, PRODUCT, GET, PROD, F64_STORE, 3, 0, GET, TOTAL, END],
  ];
}

/**
 * `leafAdd(r, end, raw, value)`: `raw[rows[k]] += value` for the rows at byte addresses `r .. end`
 * (a leaf's range of the row order), `raw` the byte address of the f64 scores.
 */
export const leafAddBody: number[] = [
  ...[1, 1, I32],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, 0, GET, 1, I32_GE_U, BR_IF, 1],
  ...[GET, 2, GET, 0, I32_LOAD, 2, 0, ...i32(3), I32_SHL, I32_ADD, TEE, 4],
  ...[GET, 4, F64_LOAD, 3, 0, GET, 3, F64_ADD, F64_STORE, 3, 0],
  ...[GET, 0, ...i32(4), I32_ADD, SET, 0, BR, 0],
  ...[END, END, END],
];
