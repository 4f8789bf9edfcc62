/**
 * Opcodes and code generators shared by the WebAssembly modules Weft assembles in TypeScript (the
 * learners' `*Wasm.ts` and `cartKernels.ts`): locals, control flow, loads and stores, scalar and
 * f64x2 arithmetic, and `e^x` of two lanes at once. An opcode whose memarg alignment differs by
 * module (`V128_LOAD` with align 3 or 4) stays in that module.
 */

export const GET = 0x20;
export const SET = 0x21;
export const I32_CONST = 0x41;
export const I32_ADD = 0x6a;
export const I32_GE_U = 0x4f;
export const I32_SHL = 0x74;
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const END = 0x0b;
export const VOID = 0x40;
export const SIMD = 0xfd;
export const F32_DEMOTE_F64 = 0xb6;
export const F32_LOAD = 0x2a;
export const F32_STORE = 0x38;
export const F64X2_REPLACE_1 = [SIMD, 0x22, 1];
export const F64_ABS = 0x99;
export const F64_ADD = 0xa0;
export const F64_CONVERT_I32_S = 0xb7;
export const F64_DIV = 0xa3;
export const F64_GT = 0x64;
export const F64_LOAD = 0x2b;
export const F64_LT = 0x63;
export const F64_MUL = 0xa2;
export const F64_PROMOTE_F32 = 0xbb;
export const F64_STORE = 0x39;
export const F64_SUB = 0xa1;
export const I32_AND = 0x71;
export const I32_EQ = 0x46;
export const I32_EQZ = 0x45;
export const I32_LOAD = 0x28;
export const I32_LOAD8_U = 0x2d;
export const I32_LT_S = 0x48;
export const I32_LT_U = 0x49;
export const I32_OR = 0x72;
export const I32_SHR_U = 0x76;
export const I32_STORE = 0x36;
export const I32_STORE8 = 0x3a;
export const I32_SUB = 0x6b;
export const I32_WRAP_I64 = 0xa7;
export const IF = 0x04;
export const MEMORY_COPY = [0xfc, 0x0a, 0x00, 0x00];
export const SELECT = 0x1b;
export const TEE = 0x22;
export const V128_LOAD = [SIMD, 0x00, 0, 0];
export const V128_STORE = [SIMD, 0x0b, 0, 0];
export const LOAD64_ZERO = [SIMD, 0x5d, 0, 0];
export const F64X2_SPLAT = [SIMD, 0x14];
export const F64X2_PROMOTE = [SIMD, 0x5f];
export const F64X2_ADD = [SIMD, 0xf0, 0x01];
export const F64X2_MUL = [SIMD, 0xf2, 0x01];

export const F64X2_EQ = [SIMD, 0x47];
export const V128_AND = [SIMD, 0x4e];
/** `i8x16.shuffle` with the 16 lane indices that follow. */
export const I8X16_SHUFFLE = [SIMD, 0x0d];

export const F64_CONST = 0x44;
const I64_CONST = 0x42;
export const f64x2 = (v: number) => [F64_CONST, ...new Uint8Array(Float64Array.of(v).buffer), ...F64X2_SPLAT];
export const F64X2_SUB = [SIMD, 0xf1, 0x01];
export const F64X2_DIV = [SIMD, 0xf3, 0x01];
export const F64X2_PMAX = [SIMD, 0xf7, 0x01];
export const F64X2_ABS = [SIMD, 0xec, 0x01];
export const F64X2_NEG = [SIMD, 0xed, 0x01];
export const F64X2_GT = [SIMD, 0x4a];
export const BITSELECT = [SIMD, 0x52];
const I64X2_SPLAT = [SIMD, 0x12];
const I64X2_ADD = [SIMD, 0xce, 0x01];
const I64X2_SHL = [SIMD, 0xcb, 0x01];

/** Taylor coefficients 1/k! of e^r, k = 0 .. 12 (|r| ≤ ln 2 / 2: truncation below 2e-16 relative). */
const EXP_TAYLOR = Array.from({ length: 13 }, (_, k) => {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return 1 / f;
});
/** 1.5 × 2^52: adding it rounds to an integer, which is then the low bits of the sum's bit pattern. */
const ROUNDER = 6755399441055744;

/**
 * Code leaving `e^x` on the stack for `x ≤ 0` in local `x` (overwritten), with the constants and
 * scratch locals from `k` on (see `expLocals`): `2^k` times the degree-12 Taylor polynomial of
 * `e^r`, `r = x − k ln 2` (ln 2 in two parts), `x` floored at −700, evaluated by Estrin's scheme
 * (powers r², r⁴, r⁸) for a short dependency chain; `2^k` is built in the exponent bits.
 */
export function expCode(x: number, k: number): number[] {
  const [MIN, LOG2E, LN2HI, LN2LO, BIAS, ROUND, T, KF, R2, R4, R8, C] = Array.from({ length: 12 }, (_, i) => k + i);
  const fma = (a: number[], b: number[], v: number) => [...a, ...b, GET, v, ...F64X2_MUL, ...F64X2_ADD];
  const coef = (i: number) => [GET, C + i];
  const q = (i: number) => fma(coef(i), coef(i + 1), x);
  return [
    ...[GET, x, GET, MIN, ...F64X2_PMAX, SET, x],
    ...[GET, x, GET, LOG2E, ...F64X2_MUL, GET, ROUND, ...F64X2_ADD, SET, T],
    ...[GET, T, GET, ROUND, ...F64X2_SUB, SET, KF],
    ...[GET, x, GET, KF, GET, LN2HI, ...F64X2_MUL, ...F64X2_SUB],
    ...[GET, KF, GET, LN2LO, ...F64X2_MUL, ...F64X2_SUB, SET, x],
    ...[GET, x, GET, x, ...F64X2_MUL, SET, R2, GET, R2, GET, R2, ...F64X2_MUL, SET, R4],
    ...[GET, R4, GET, R4, ...F64X2_MUL, SET, R8],
    ...fma(fma(fma(q(0), q(2), R2), fma(q(4), q(6), R2), R4), fma(fma(q(8), q(10), R2), coef(12), R4), R8),
    ...[GET, T, GET, BIAS, ...I64X2_ADD, I32_CONST, 52, ...I64X2_SHL, ...F64X2_MUL],
  ];
}
/** Locals `expCode` uses from its `k` on. */
export const EXP_LOCALS = 11 + EXP_TAYLOR.length;
/** Sets the constant locals of `expCode(·, k)`. */
export const expSetup = (k: number): number[] => [
  ...[...f64x2(-700), SET, k, ...f64x2(Math.LOG2E), SET, k + 1, ...f64x2(6.9314718036912381649e-1), SET, k + 2],
  ...[...f64x2(1.9082149292705877e-10), SET, k + 3, I64_CONST, ...[0xff, 0x07], ...I64X2_SPLAT, SET, k + 4],
  ...[...f64x2(ROUNDER), SET, k + 5],
  ...EXP_TAYLOR.flatMap((c, i) => [...f64x2(c), SET, k + 11 + i]),
];
