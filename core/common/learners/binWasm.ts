/**
 * WebAssembly function bodies for binning boosting's features (assembled into the module of
 * `histWasm.ts`): sort keys of a column's float32 values without NaN, their LSD radix sort (three
 * passes of 11 bits, as `binning.ts`'s `sortFloat32`), and the branch-free bin search of
 * `applyBins`. The sorted values and bins are the same as the JavaScript ones.
 */
import { I32, uleb } from '../wasm/encode';
import {
  BLOCK,
  BR,
  BR_IF,
  END,
  F32_LOAD,
  GET,
  I32_ADD,
  I32_AND,
  I32_CONST,
  I32_EQZ,
  I32_GE_U,
  I32_LOAD,
  I32_OR,
  I32_SHL,
  I32_SHR_U,
  I32_STORE,
  I32_STORE8,
  LOOP,
  SELECT,
  SET,
  TEE,
  VOID,
} from '../wasm/simd';

const F32_EQ = 0x5b;
const F32_NE = 0x5c;
const F32_LT = 0x5d;
const I32_XOR = 0x73;
const I32_SHR_S = 0x75;
const MEMORY_FILL = [0xfc, 0x0b, 0x00];

/** Bytes of the three digit counts (2048 i32 each) the sort needs. */
export const RADIX_COUNT_BYTES = 3 * 2048 * 4;

/** Signed LEB128 i32.const. */
function i32(v: number): number[] {
  const out = [I32_CONST];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

/** `count[at + 4 × digit] += ok` for the digit on the stack (locals A, OK). */
const bump = (a: number, ok: number) => [TEE, a, GET, a, I32_LOAD, 2, 0, GET, ok, I32_ADD, I32_STORE, 2, 0];

/**
 * `keys(src, n, dst, counts) → k`: the order-preserving u32 keys of the non-NaN float32 values at
 * `src` (n of them) written to `dst` in order, their count returned, and the three 11-bit digit
 * counts at `counts` (zeroed first). Locals end, u, key, ok, a.
 */
export const radixKeysBody: number[] = [
  ...[1, 6, I32],
  ...[GET, 3, ...i32(0), ...i32(RADIX_COUNT_BYTES), ...MEMORY_FILL],
  ...[GET, 0, GET, 1, ...i32(2), I32_SHL, I32_ADD, SET, 4],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, 0, GET, 4, I32_GE_U, BR_IF, 1],
  ...[GET, 0, I32_LOAD, 2, 0, TEE, 5, GET, 5, ...i32(31), I32_SHR_S, ...i32(-0x80000000), I32_OR, I32_XOR, SET, 6],
  ...[GET, 0, F32_LOAD, 2, 0, GET, 0, F32_LOAD, 2, 0, F32_EQ, SET, 7],
  ...[GET, 2, GET, 9, ...i32(2), I32_SHL, I32_ADD, GET, 6, I32_STORE, 2, 0],
  ...[GET, 9, GET, 7, I32_ADD, SET, 9],
  ...[GET, 3, GET, 6, ...i32(2047), I32_AND, ...i32(2), I32_SHL, I32_ADD, ...bump(8, 7)],
  ...[GET, 3, ...i32(8192), I32_ADD, GET, 6, ...i32(11), I32_SHR_U, ...i32(2047), I32_AND, ...i32(2), I32_SHL],
  ...[I32_ADD, ...bump(8, 7)],
  ...[GET, 3, ...i32(16384), I32_ADD, GET, 6, ...i32(22), I32_SHR_U, ...i32(2), I32_SHL, I32_ADD, ...bump(8, 7)],
  ...[GET, 0, ...i32(4), I32_ADD, SET, 0, BR, 0],
  ...[END, END],
  ...[GET, 9, END],
];

/**
 * `radix(a, b, k, counts)`: sorts the `k` keys at `a` (counts from `keys`), through `b` and back,
 * ending in `b`, then turns the keys back into float32 bits there. Locals c, sum, t, p, end, key,
 * shift, src, dst, base, x, pass.
 */
export const radixSortBody: number[] = (() => {
  const [A, B, K, CNT] = [0, 1, 2, 3];
  const [C, SUM, T, P, END_, KEY, SHIFT, SRC, DST, BASE, X, PASS] = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  return [
    ...[1, 12, I32],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, C, ...i32(3 * 2048), I32_GE_U, BR_IF, 1],
    ...[...i32(0), GET, SUM, GET, C, ...i32(2047), I32_AND, I32_EQZ, SELECT, SET, SUM],
    ...[GET, CNT, GET, C, ...i32(2), I32_SHL, I32_ADD, TEE, P, I32_LOAD, 2, 0, SET, T],
    ...[GET, P, GET, SUM, I32_STORE, 2, 0, GET, SUM, GET, T, I32_ADD, SET, SUM],
    ...[GET, C, ...i32(1), I32_ADD, SET, C, BR, 0],
    ...[END, END],
    ...[GET, A, SET, SRC, GET, B, SET, DST, GET, CNT, SET, BASE],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, PASS, ...i32(3), I32_GE_U, BR_IF, 1],
    ...[GET, SRC, TEE, P, GET, K, ...i32(2), I32_SHL, I32_ADD, SET, END_],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, P, GET, END_, I32_GE_U, BR_IF, 1],
    ...[GET, P, I32_LOAD, 2, 0, SET, KEY],
    ...[GET, BASE, GET, KEY, GET, SHIFT, I32_SHR_U, ...i32(2047), I32_AND, ...i32(2), I32_SHL, I32_ADD, TEE, X],
    ...[GET, X, I32_LOAD, 2, 0, TEE, T, ...i32(1), I32_ADD, I32_STORE, 2, 0],
    ...[GET, DST, GET, T, ...i32(2), I32_SHL, I32_ADD, GET, KEY, I32_STORE, 2, 0],
    ...[GET, P, ...i32(4), I32_ADD, SET, P, BR, 0],
    ...[END, END],
    ...[GET, SRC, GET, DST, SET, SRC, SET, DST],
    ...[GET, SHIFT, ...i32(11), I32_ADD, SET, SHIFT, GET, BASE, ...i32(8192), I32_ADD, SET, BASE],
    ...[GET, PASS, ...i32(1), I32_ADD, SET, PASS, BR, 0],
    ...[END, END],
    ...[GET, SRC, TEE, P, GET, K, ...i32(2), I32_SHL, I32_ADD, SET, END_],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, P, GET, END_, I32_GE_U, BR_IF, 1],
    ...[GET, P, GET, P, I32_LOAD, 2, 0, TEE, KEY, GET, KEY, ...i32(31), I32_SHR_S, ...i32(-1), I32_XOR],
    ...[...i32(-0x80000000), I32_OR, I32_XOR, I32_STORE, 2, 0],
    ...[GET, P, ...i32(4), I32_ADD, SET, P, BR, 0],
    ...[END, END, END],
  ];
})();

/**
 * `apply(src, n, padded, missingBin, dst)`: for each float32 at `src`, the count of thresholds
 * below it by an eight-step search of the 256 thresholds at `padded` (padded with +Infinity), or
 * `missingBin` for NaN, as one byte at `dst`. Locals end, v (f32), lo.
 */
export const applyBinsBody: number[] = (() => {
  const [SRC, N, PAD, MISSING, DST] = [0, 1, 2, 3, 4];
  const [END_, V, LO] = [5, 6, 7];
  const F32 = 0x7d;
  const step = (bit: number) => [
    ...[GET, LO, GET, PAD, GET, LO, ...i32(2), I32_SHL, I32_ADD, F32_LOAD, 2, ...uleb(4 * ((1 << bit) - 1))],
    ...[GET, V, F32_LT, ...i32(bit), I32_SHL, I32_ADD, SET, LO],
  ];
  return [
    ...[3, 1, I32, 1, F32, 1, I32],
    ...[GET, SRC, GET, N, ...i32(2), I32_SHL, I32_ADD, SET, END_],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, SRC, GET, END_, I32_GE_U, BR_IF, 1],
    ...[GET, SRC, F32_LOAD, 2, 0, SET, V, ...i32(0), SET, LO],
    ...[7, 6, 5, 4, 3, 2, 1, 0].flatMap(step),
    ...[GET, DST, GET, MISSING, GET, LO, GET, V, GET, V, F32_NE, SELECT, I32_STORE8, 0, 0],
    ...[GET, SRC, ...i32(4), I32_ADD, SET, SRC, GET, DST, ...i32(1), I32_ADD, SET, DST, BR, 0],
    ...[END, END, END],
  ];
})();
