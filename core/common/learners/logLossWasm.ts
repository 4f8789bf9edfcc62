/**
 * WebAssembly function bodies for binary log loss in boosting (assembled into the module of
 * `histWasm.ts`): an exponential that computes what V8's `Math.exp` computes (fdlibm's method:
 * reduction by k·ln2 in two parts, a degree-5 rational kernel, scaling by 2^k), so gradients,
 * hessians and the loss are the same bit for bit as the JavaScript loop's, and the loop itself.
 */
import { F64, I32, V128 } from '../wasm/encode';
import {
  BLOCK,
  BR,
  BR_IF,
  END,
  F32_DEMOTE_F64,
  F32_STORE,
  F64_ABS,
  F64_ADD,
  F64_CONST,
  F64_CONVERT_I32_S,
  F64_DIV,
  F64_GT,
  F64_LOAD,
  F64_LT,
  F64_MUL,
  F64_STORE,
  F64_SUB,
  GET,
  I32_ADD,
  I32_AND,
  I32_CONST,
  I32_EQ,
  I32_EQZ,
  I32_GE_U,
  I32_LOAD,
  I32_LT_S,
  I32_LT_U,
  I32_OR,
  I32_SHL,
  I32_SHR_U,
  I32_SUB,
  I32_WRAP_I64,
  IF,
  LOOP,
  SELECT,
  SET,
  SIMD,
  TEE,
  VOID,
} from '../wasm/simd';

const ELSE = 0x05;
const RETURN = 0x0f;
const CALL = 0x10;
const I32_GT_U = 0x4b;
const F64_EQ = 0x61;
const I64_SHL = 0x86;
const I64_SHR_U = 0x88;
const F64_NEG = 0x9a;
const I32_TRUNC_SAT_F64_S = [0xfc, 0x02];
const I64_EXTEND_I32_U = 0xad;
const I64_REINTERPRET_F64 = 0xbd;
const F64_REINTERPRET_I64 = 0xbf;

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

const simd = (op: number) => [SIMD, ...(op < 128 ? [op] : [(op & 0x7f) | 0x80, op >> 7])];
const V128_LOAD = [...simd(0x00), 3, 0];
const STORE64_LANE0 = [...simd(0x5b), 2, 0, 0];
const F64X2_SPLAT = simd(0x14);
const I64X2_SPLAT = simd(0x12);
const EXTRACT = (lane: number) => [...simd(0x21), lane];
const REPLACE_1 = [...simd(0x22), 1];
const F64X2_EQ = simd(0x47);
const F64X2_LT = simd(0x49);
const F64X2_GT = simd(0x4a);
const F64X2_GE = simd(0x4c);
const BITSELECT = simd(0x52);
const F32X4_DEMOTE = simd(0x5e);
const F64X2_TRUNC = simd(0x7a);
const I64X2_ALL_TRUE = simd(0xc3);
const I64X2_EXTEND_LOW_S = simd(0xc7);
const I64X2_SHL = simd(0xcb);
const I64X2_ADD = simd(0xce);
const F64X2_ABS = simd(0xec);
const F64X2_NEG = simd(0xed);
const F64X2_ADD = simd(0xf0);
const F64X2_SUB = simd(0xf1);
const F64X2_MUL = simd(0xf2);
const F64X2_DIV = simd(0xf3);
const I32X4_TRUNC_SAT_ZERO = simd(0xfc);
const splat = (bytes: number[]) => [...bytes, ...F64X2_SPLAT];

/**
 * exp of a pair of non-positive x with 2^−28 ≤ |x| < 700 (tiny |x| give 1 + x as fdlibm), both
 * lanes at once: the branch-free scalar path above on f64x2 (every lane operation is the scalar
 * one), t = k as f64 chosen by bitselect, 2^k from k's bits. Leaves the result on the stack.
 */
function expPair(x: number, ax: number, t: number, hi: number, lo: number, xr: number, u: number, c: number): number[] {
  return [
    ...[...splat(f64(-1)), ...splat(INV_LN2), GET, x, ...F64X2_MUL, ...splat(f64(-0.5)), ...F64X2_ADD, ...F64X2_TRUNC],
    ...[GET, ax, ...splat(f64Words(0x3ff0a2b2, 0)), ...F64X2_LT, ...BITSELECT],
    ...[...splat(f64(0)), GET, ax, ...splat(f64Words(0x3fd62e43, 0)), ...F64X2_GE, ...BITSELECT, SET, t],
    ...[GET, x, GET, t, ...splat(LN2_HI), ...F64X2_MUL, ...F64X2_SUB, SET, hi],
    ...[GET, t, ...splat(LN2_LO), ...F64X2_MUL, SET, lo],
    ...[GET, hi, GET, lo, ...F64X2_SUB, SET, xr, GET, xr, GET, xr, ...F64X2_MUL, SET, u],
    ...[GET, xr, GET, u, ...splat(P[0]), GET, u, ...splat(P[1]), GET, u, ...splat(P[2]), GET, u, ...splat(P[3])],
    ...[GET, u, ...splat(P[4]), ...F64X2_MUL, ...F64X2_ADD, ...F64X2_MUL, ...F64X2_ADD, ...F64X2_MUL, ...F64X2_ADD],
    ...[...F64X2_MUL, ...F64X2_ADD, ...F64X2_MUL, ...F64X2_SUB, SET, c],
    ...[...splat(f64(1)), GET, lo, GET, xr, GET, c, ...F64X2_MUL, ...splat(f64(2)), GET, c, ...F64X2_SUB, ...F64X2_DIV],
    ...[...F64X2_SUB, GET, hi, ...F64X2_SUB, ...F64X2_SUB],
    ...[
      GET,
      t,
      ...I32X4_TRUNC_SAT_ZERO,
      ...I64X2_EXTEND_LOW_S,
      ...i64Splat(1023),
      ...I64X2_ADD,
      ...i32(52),
      ...I64X2_SHL,
    ],
    ...F64X2_MUL,
    ...[...splat(f64(1)), GET, x, ...F64X2_ADD, GET, ax, ...splat(f64Words(0x3e300000, 0)), ...F64X2_GE, ...BITSELECT],
  ];
}

/** i64x2.splat of a small constant. */
const i64Splat = (v: number) => [0x42, ...sleb(v), ...I64X2_SPLAT];

/**
 * `binaryLoss(raw, y, g, h, count, product, total) → total` (byte addresses of f64 raw scores, f64
 * labels, f32 gradients and hessians, a count, the f64 slot for the product, and the running loss):
 * per row `e = exp(−|s|)`, `p = σ(s)`, `g = p − y`, `h = p(1 − p)`; adds `max(s, 0) − y s` to the
 * loss and multiplies the product by `1 + e` (its log is taken by the caller), row after row. Rows
 * go by pairs in f64x2 (a pair with |s| ≥ 700 or NaN takes `exp`, function `expIndex`, per lane),
 * an odd last row alone. Locals s, e, q, p, label, product, onePlusE (f64), then f64x2 ones.
 */
export function binaryLossBody(expIndex: number): number[] {
  const [RAW, YS, G, H, COUNT, PRODUCT, TOTAL] = [0, 1, 2, 3, 4, 5, 6];
  const [S, EX, Q, PR, LABEL, PROD, ONE_E] = [7, 8, 9, 10, 11, 12, 13];
  const [VS, VY, VX, VAX, VT, VHI, VLO, VXR, VU, VC, VE, VONE, VQ, VP, VLIN] = Array.from(
    { length: 15 },
    (_, i) => 14 + i,
  );
  const perLane = (lane: number) => [GET, VX, ...EXTRACT(lane), CALL, expIndex];
  return [
    ...[2, 7, F64, 15, V128],
    ...[...f64(1), SET, PROD],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, COUNT, ...i32(2), I32_LT_U, BR_IF, 1],
    ...[GET, RAW, ...V128_LOAD, TEE, VS, ...F64X2_ABS, TEE, VAX, ...F64X2_NEG, SET, VX, GET, YS, ...V128_LOAD, SET, VY],
    ...[GET, VAX, ...splat(f64(700)), ...F64X2_LT, ...I64X2_ALL_TRUE, IF, V128],
    ...expPair(VX, VAX, VT, VHI, VLO, VXR, VU, VC),
    ...[ELSE, ...perLane(0), ...F64X2_SPLAT, ...perLane(1), ...REPLACE_1, END, TEE, VE],
    ...[...splat(f64(1)), ...F64X2_ADD, SET, VONE, ...splat(f64(1)), GET, VONE, ...F64X2_DIV, SET, VQ],
    ...[GET, VQ, GET, VE, GET, VQ, ...F64X2_MUL, GET, VS, ...splat(f64(0)), ...F64X2_GT, ...BITSELECT, SET, VP],
    ...[GET, PROD, GET, VONE, ...EXTRACT(0), F64_MUL, GET, VONE, ...EXTRACT(1), F64_MUL, SET, PROD],
    ...[GET, VS, ...splat(f64(0)), GET, VS, ...splat(f64(0)), ...F64X2_GT, ...BITSELECT],
    ...[GET, VS, ...splat(f64(0)), GET, VY, ...splat(f64(1)), ...F64X2_EQ, ...BITSELECT, ...F64X2_SUB, SET, VLIN],
    ...[GET, TOTAL, GET, VLIN, ...EXTRACT(0), F64_ADD, GET, VLIN, ...EXTRACT(1), F64_ADD, SET, TOTAL],
    ...[GET, G, GET, VP, GET, VY, ...F64X2_SUB, ...F32X4_DEMOTE, ...STORE64_LANE0],
    ...[GET, H, GET, VP, ...splat(f64(1)), GET, VP, ...F64X2_SUB, ...F64X2_MUL, ...F32X4_DEMOTE, ...STORE64_LANE0],
    ...[GET, RAW, ...i32(16), I32_ADD, SET, RAW, GET, YS, ...i32(16), I32_ADD, SET, YS],
    ...[GET, G, ...i32(8), I32_ADD, SET, G, GET, H, ...i32(8), I32_ADD, SET, H],
    ...[GET, COUNT, ...i32(2), I32_SUB, SET, COUNT, BR, 0],
    ...[END, END],
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
