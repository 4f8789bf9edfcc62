/**
 * WebAssembly function bodies for growing boosting trees (assembled into the module of
 * `histWasm.ts`): the split scan of one feature's histogram, and the root's gradient sums. They
 * do the JavaScript loops' arithmetic in the same order (two f64 lanes of one f64x2 operation are
 * two f64 operations), so splits and leaf values are the same bit for bit.
 */
import { F64, I32, V128 } from '../wasm/encode';
import {
  BLOCK,
  BR,
  BR_IF,
  END,
  F32_LOAD,
  F64X2_ADD,
  F64X2_DIV,
  F64X2_MUL,
  F64X2_REPLACE_1,
  F64X2_SPLAT,
  F64X2_SUB,
  F64_ADD,
  F64_CONST,
  F64_GT,
  F64_LOAD,
  F64_LT,
  F64_PROMOTE_F32,
  F64_STORE,
  F64_SUB,
  GET,
  I32_ADD,
  I32_AND,
  I32_CONST,
  I32_EQ,
  I32_GE_U,
  I32_LOAD,
  I32_OR,
  I32_SHL,
  IF,
  LOOP,
  SET,
  SIMD,
  TEE,
  VOID,
} from '../wasm/simd';

const V128_LOAD = [SIMD, 0x00, 3, 0];
const F64X2_EXTRACT = (lane: number) => [SIMD, 0x21, lane];
const F64X2_LT = [SIMD, 0x49];
const ANY_TRUE = [SIMD, 0x53];
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
/** i8x16.shuffle to `[a.lane0, b.lane0]` and to `[a.lane1, b.lane1]`. */
const LANES_0 = [SIMD, 0x0d, ...range(0, 8), ...range(16, 24)];
const LANES_1 = [SIMD, 0x0d, ...range(8, 16), ...range(24, 32)];

const f64 = (v: number) => [F64_CONST, ...new Uint8Array(Float64Array.of(v).buffer)];
const i32 = (v: number) =>
  v >= -64 && v < 64 ? [I32_CONST, v & 0x7f] : [I32_CONST, (v & 0x7f) | 0x80, (v >> 7) & 0x7f];

/**
 * `scan(at, count, size, minLeaf, g, h, l2, parent, out) → i`: adds the `[g, h, count]` bins of one
 * feature from byte address `at`, `count` of them, 24 bytes up (`down`: down) per step, to one side
 * of the split (left going up, right going down; the other side is the node's `[g, h]` minus it);
 * where both sides keep `minLeaf` rows and hessian 1e-3, the gain `gL²/(hL + l2) + gR²/(hR + l2) −
 * parent` is compared with the best so far (f64 at `out`). Returns the step of the last improvement
 * (−1 for none), writing its gain at `out` and its left row count at `out + 8`.
 */
export function splitScanBody(down: boolean): number[] {
  const [AT, COUNT, SIZE, MIN_LEAF, LG, LH, L2, PARENT, OUT] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [I, BEST_I, ACC, TOTAL, OTHER, G2, H2, L2V, Q, C_ACC, C_OTHER, GAIN, BEST] = range(9, 22);
  const [first, second] = down ? [OTHER, ACC] : [ACC, OTHER];
  return [
    ...[3, 2, I32, 7, V128, 4, F64],
    ...[...i32(-1), SET, BEST_I, GET, OUT, F64_LOAD, 3, 0, SET, BEST],
    ...[GET, LG, ...F64X2_SPLAT, GET, LH, ...F64X2_REPLACE_1, SET, TOTAL, GET, L2, ...F64X2_SPLAT, SET, L2V],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, I, GET, COUNT, I32_GE_U, BR_IF, 1],
    ...[GET, ACC, GET, AT, ...V128_LOAD, ...F64X2_ADD, SET, ACC],
    ...[GET, C_ACC, GET, AT, F64_LOAD, 3, 16, F64_ADD, SET, C_ACC, GET, SIZE, GET, C_ACC, F64_SUB, SET, C_OTHER],
    ...[BLOCK, VOID],
    ...[GET, C_ACC, GET, MIN_LEAF, F64_LT, GET, C_OTHER, GET, MIN_LEAF, F64_LT, I32_OR, BR_IF, 0],
    ...[GET, TOTAL, GET, ACC, ...F64X2_SUB, SET, OTHER],
    ...[GET, first, GET, second, ...LANES_0, SET, G2, GET, first, GET, second, ...LANES_1, SET, H2],
    ...[GET, H2, ...f64(1e-3), ...F64X2_SPLAT, ...F64X2_LT, ...ANY_TRUE, BR_IF, 0],
    ...[GET, G2, GET, G2, ...F64X2_MUL, GET, H2, GET, L2V, ...F64X2_ADD, ...F64X2_DIV, SET, Q],
    ...[GET, Q, ...F64X2_EXTRACT(0), GET, Q, ...F64X2_EXTRACT(1), F64_ADD, GET, PARENT, F64_SUB, TEE, GAIN],
    ...[GET, BEST, F64_GT, IF, VOID],
    ...[GET, GAIN, SET, BEST, GET, I, SET, BEST_I, GET, OUT, GET, down ? C_OTHER : C_ACC, F64_STORE, 3, 8],
    ...[END, END],
    ...[GET, AT, ...i32(down ? -24 : 24), I32_ADD, SET, AT, GET, I, ...i32(1), I32_ADD, SET, I, BR, 0],
    ...[END, END],
    ...[GET, OUT, GET, BEST, F64_STORE, 3, 0, GET, BEST_I, END],
  ];
}

/**
 * `rootSums(r, end, grad, hess, out) → identity`: the f64 sums of `grad[rows[k]]` and
 * `hess[rows[k]]` over the rows at byte addresses `r .. end`, in their order, written at `out`;
 * returns whether `rows[k] = k` for every one. Locals k, row, ok (i32), g, h (f64).
 */
export const rootSumsBody: number[] = [
  ...[2, 3, I32, 2, F64],
  ...[...i32(1), SET, 7],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, 0, GET, 1, I32_GE_U, BR_IF, 1],
  ...[GET, 0, I32_LOAD, 2, 0, TEE, 6, GET, 5, I32_EQ, GET, 7, I32_AND, SET, 7],
  ...[GET, 8, GET, 2, GET, 6, ...i32(2), I32_SHL, I32_ADD, F32_LOAD, 2, 0, F64_PROMOTE_F32, F64_ADD, SET, 8],
  ...[GET, 9, GET, 3, GET, 6, ...i32(2), I32_SHL, I32_ADD, F32_LOAD, 2, 0, F64_PROMOTE_F32, F64_ADD, SET, 9],
  ...[GET, 0, ...i32(4), I32_ADD, SET, 0, GET, 5, ...i32(1), I32_ADD, SET, 5, BR, 0],
  ...[END, END],
  ...[GET, 4, GET, 8, F64_STORE, 3, 0, GET, 4, GET, 9, F64_STORE, 3, 8, GET, 7, END],
];
