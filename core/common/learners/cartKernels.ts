/**
 * The CART kernels of `cartWasm.ts` as WebAssembly bytes: the partition of the feature lists, the
 * gini scans (any class count, and two classes in SIMD), the node class sums and the go-left
 * flags. Each does its JavaScript loop's arithmetic in the same order.
 */
import { F64, I32, name, section, uleb, V128, WASM_HEADER } from '../wasm/encode';
import {
  BLOCK,
  BR,
  BR_IF,
  END,
  F32_DEMOTE_F64,
  F32_LOAD,
  F64X2_ADD,
  F64X2_DIV,
  F64X2_MUL,
  F64X2_SPLAT,
  F64X2_SUB,
  F64_ABS,
  F64_ADD,
  F64_CONST,
  F64_CONVERT_I32_S,
  F64_DIV,
  F64_LOAD,
  F64_LT,
  F64_MUL,
  F64_PROMOTE_F32,
  F64_STORE,
  F64_SUB,
  GET,
  I32_ADD,
  I32_AND,
  I32_CONST,
  I32_EQZ,
  I32_GE_U,
  I32_LOAD,
  I32_LOAD8_U,
  I32_LT_S,
  I32_LT_U,
  I32_OR,
  I32_SHL,
  I32_STORE8,
  I32_SUB,
  I32_WRAP_I64,
  IF,
  LOOP,
  MEMORY_COPY,
  SELECT,
  SET,
  SIMD,
  TEE,
  V128_AND,
  VOID,
} from '../wasm/simd';

export type Partition = (
  list: number,
  stride: number,
  d: number,
  s: number,
  e: number,
  goesLeft: number,
  spill: number,
) => void;
export type GiniScan = (
  p: number,
  pend: number,
  weight: number,
  classes: number,
  left: number,
  total: number,
  k: number,
  w: number,
  minLeaf: number,
  count: number,
  best: number,
  j: number,
  pos: number,
) => void;

export type GiniScan2 = (
  p: number,
  pend: number,
  weight: number,
  classes: number,
  masks: number,
  total: number,
  w: number,
  minLeaf: number,
  count: number,
  best: number,
  j: number,
  pos: number,
) => void;

export type ClassSums = (p: number, pend: number, weight: number, classes: number, total: number) => number;
export type MarkLeft = (p: number, pmid: number, pend: number, flags: number) => void;

const I64 = 0x7e;
const I64_LOAD = 0x29;
const I64_STORE = 0x37;
const F32_GE = 0x60;
const F64_GE = 0x66;
const V128_LOAD = [SIMD, 0x00, 4, 0];
const F64X2_LANE = (lane: number) => [SIMD, 0x21, lane];
const f64 = (v: number) => [F64_CONST, ...new Uint8Array(Float64Array.of(v).buffer)];

/**
 * `part(list, stride, d, s, e, goesLeft, spill)`: byte addresses of feature 0's list, the bytes per
 * feature, the feature count, the node's first and end byte offsets in each list, the per-row
 * flags and a spill buffer; locals j, p, pend, l, o, g (i32), v (i64). For each feature, entries
 * whose row has its flag set are written back from the node's start in their order, the others to
 * the spill buffer, copied after them. A feature other than feature 0 (whose order the node sums
 * follow) that is constant at the node is left as it is: its entries all hold one value, so every
 * part of them still reads as constant to the scan, which skips it, and it is never split on.
 */
const [P_LIST, P_STRIDE, P_D, P_S, P_E, P_GL, P_SPILL] = [0, 1, 2, 3, 4, 5, 6];
const [P_J, P_P, P_PEND, P_L, P_O, P_G, P_V] = [7, 8, 9, 10, 11, 12, 13];
const partitionBody = [
  ...[2, 6, I32, 1, I64],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, P_J, GET, P_D, I32_GE_U, BR_IF, 1],
  ...[GET, P_LIST, GET, P_S, I32_ADD, TEE, P_P, SET, P_L],
  ...[GET, P_LIST, GET, P_E, I32_ADD, SET, P_PEND, GET, P_SPILL, SET, P_O],
  ...[BLOCK, VOID],
  ...[GET, P_P, F32_LOAD, 2, 4, GET, P_PEND, I32_CONST, 4, I32_SUB, F32_LOAD, 2, 0, F32_GE],
  ...[GET, P_J, I32_EQZ, I32_EQZ, I32_AND, BR_IF, 0],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, P_P, GET, P_PEND, I32_GE_U, BR_IF, 1],
  ...[GET, P_P, I64_LOAD, 3, 0, SET, P_V],
  ...[GET, P_GL, GET, P_V, I32_WRAP_I64, I32_ADD, I32_LOAD8_U, 0, 0, I32_CONST, 3, I32_SHL, SET, P_G],
  ...[GET, P_L, GET, P_V, I64_STORE, 3, 0, GET, P_O, GET, P_V, I64_STORE, 3, 0],
  ...[GET, P_L, GET, P_G, I32_ADD, SET, P_L],
  ...[GET, P_O, I32_CONST, 8, I32_ADD, GET, P_G, I32_SUB, SET, P_O],
  ...[GET, P_P, I32_CONST, 8, I32_ADD, SET, P_P, BR, 0],
  ...[END, END],
  ...[GET, P_L, GET, P_SPILL, GET, P_O, GET, P_SPILL, I32_SUB, ...MEMORY_COPY],
  ...[END],
  ...[GET, P_LIST, GET, P_STRIDE, I32_ADD, SET, P_LIST],
  ...[GET, P_J, I32_CONST, 1, I32_ADD, SET, P_J, BR, 0],
  ...[END, END, END],
];

/**
 * If `score` beats `best` (`[score, position, feature, threshold]` at byte address `best`) by more
 * than 1e-12 of it, or none was found yet, records the split after position `pos − 1` with the
 * float32 threshold between `here` and `next` (`here` where their midpoint rounds up to `next`).
 */
const offer = (
  best: number,
  score: number,
  bs: number,
  pos: number,
  j: number,
  here: number,
  next: number,
  mid: number,
) => [
  ...[GET, best, F64_LOAD, 3, 0, SET, bs],
  ...[GET, best, F64_LOAD, 3, 16, ...f64(0), F64_LT],
  ...[GET, score, GET, bs, ...f64(1e-12), GET, bs, F64_ABS, F64_MUL, F64_SUB, F64_LT, I32_OR],
  ...[IF, VOID],
  ...[GET, best, GET, score, F64_STORE, 3, 0],
  ...[GET, best, GET, pos, I32_CONST, 1, I32_SUB, F64_CONVERT_I32_S, F64_STORE, 3, 8],
  ...[GET, best, GET, j, F64_STORE, 3, 16],
  ...[GET, here, GET, next, F64_ADD, ...f64(2), F64_DIV, F32_DEMOTE_F64, F64_PROMOTE_F32, SET, mid],
  ...[GET, best, GET, here, GET, mid, GET, mid, GET, next, F64_GE, SELECT, F64_STORE, 3, 24],
  ...[END],
];

/**
 * `gini(p, pend, weight, classes, left, total, k, w, minLeaf, count, best, j, pos)`: byte addresses
 * of the node's first and last list entries, the per-row weights and classes, the zeroed left class
 * weights and the node's class weights (k each); the node's weight, min_samples_leaf, its row
 * count, the `[score, position, feature, threshold]` of the best split so far, this feature and the
 * node's first position. Offers every threshold between distinct values to `best` as `scanClasses`.
 */
const [G_P, G_PEND, G_WTS, G_CLS, G_LEFT, G_TOTAL, G_K, G_W, G_MIN, G_COUNT, G_BEST, G_J, G_POS] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
];
const [G_Q, G_C, G_NL, G_A] = [13, 14, 15, 16];
const [G_WL, G_WQ, G_HERE, G_NEXT, G_WR, G_IL, G_IR, G_PL, G_PR, G_SCORE, G_LC, G_BS, G_MID] = [
  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
];
const giniBody = [
  ...[2, 4, I32, 13, F64],
  ...[GET, G_P, F32_LOAD, 2, 4, F64_PROMOTE_F32, SET, G_NEXT],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, G_P, GET, G_PEND, I32_GE_U, BR_IF, 1],
  ...[GET, G_P, I32_LOAD, 2, 0, SET, G_Q],
  ...[GET, G_WTS, GET, G_Q, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, 3, 0, SET, G_WQ],
  ...[GET, G_WL, GET, G_WQ, F64_ADD, SET, G_WL],
  ...[GET, G_LEFT, GET, G_CLS, GET, G_Q, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, 2, 0],
  ...[I32_CONST, 3, I32_SHL, I32_ADD, TEE, G_A],
  ...[GET, G_A, F64_LOAD, 3, 0, GET, G_WQ, F64_ADD, F64_STORE, 3, 0],
  ...[GET, G_NEXT, SET, G_HERE, GET, G_P, F32_LOAD, 2, 12, F64_PROMOTE_F32, SET, G_NEXT],
  ...[GET, G_P, I32_CONST, 8, I32_ADD, SET, G_P],
  ...[GET, G_POS, I32_CONST, 1, I32_ADD, SET, G_POS, GET, G_NL, I32_CONST, 1, I32_ADD, SET, G_NL],
  ...[BLOCK, VOID],
  ...[GET, G_HERE, GET, G_NEXT, F64_LT, I32_EQZ, BR_IF, 0],
  ...[GET, G_NL, GET, G_MIN, I32_LT_S, BR_IF, 0],
  ...[GET, G_COUNT, GET, G_NL, I32_SUB, GET, G_MIN, I32_LT_S, BR_IF, 0],
  ...[GET, G_W, GET, G_WL, F64_SUB, SET, G_WR],
  ...[...f64(0), SET, G_IL, ...f64(0), SET, G_IR, I32_CONST, 0, SET, G_C],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, G_C, GET, G_K, I32_GE_U, BR_IF, 1],
  ...[GET, G_LEFT, GET, G_C, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, 3, 0, SET, G_LC],
  ...[GET, G_LC, GET, G_WL, F64_DIV, SET, G_PL],
  ...[GET, G_TOTAL, GET, G_C, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, 3, 0, GET, G_LC, F64_SUB],
  ...[GET, G_WR, F64_DIV, SET, G_PR],
  ...[GET, G_IL, GET, G_PL, GET, G_PL, F64_MUL, F64_ADD, SET, G_IL],
  ...[GET, G_IR, GET, G_PR, GET, G_PR, F64_MUL, F64_ADD, SET, G_IR],
  ...[GET, G_C, I32_CONST, 1, I32_ADD, SET, G_C, BR, 0],
  ...[END, END],
  ...[GET, G_WL, ...f64(1), GET, G_IL, F64_SUB, F64_MUL],
  ...[GET, G_WR, ...f64(1), GET, G_IR, F64_SUB, F64_MUL, F64_ADD, SET, G_SCORE],
  ...offer(G_BEST, G_SCORE, G_BS, G_POS, G_J, G_HERE, G_NEXT, G_MID),
  ...[END],
  ...[BR, 0],
  ...[END, END, END],
];

/**
 * `gini2(p, pend, weight, classes, masks, total, w, minLeaf, count, best, j, pos)`: `gini` for two
 * classes, the left class weights in one f64x2 and both children's class shares divided as one
 * f64x2 each; `masks` holds the lane masks of class 0 and class 1. Each lane does the scalar
 * operations of `gini` in the same order, so the scores are the same bit for bit.
 */
const [H_P, H_PEND, H_WTS, H_CLS, H_MASKS, H_TOTAL, H_W, H_MIN, H_COUNT, H_BEST, H_J, H_POS] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
];
const [H_Q, H_NL] = [12, 13];
const [H_WL, H_WQ, H_HERE, H_NEXT, H_WR, H_IL, H_IR, H_SCORE, H_BS, H_MID] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
const [H_L, H_T, H_P2, H_R2] = [24, 25, 26, 27];
const gini2Body = [
  ...[3, 2, I32, 10, F64, 4, V128],
  ...[GET, H_TOTAL, ...V128_LOAD, SET, H_T],
  ...[GET, H_P, F32_LOAD, 2, 4, F64_PROMOTE_F32, SET, H_NEXT],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, H_P, GET, H_PEND, I32_GE_U, BR_IF, 1],
  ...[GET, H_P, I32_LOAD, 2, 0, SET, H_Q],
  ...[GET, H_WTS, GET, H_Q, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, 3, 0, SET, H_WQ],
  ...[GET, H_WL, GET, H_WQ, F64_ADD, SET, H_WL],
  ...[GET, H_L, GET, H_WQ, ...F64X2_SPLAT],
  ...[GET, H_MASKS, GET, H_CLS, GET, H_Q, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, 2, 0],
  ...[I32_CONST, 4, I32_SHL, I32_ADD, ...V128_LOAD, ...V128_AND, ...F64X2_ADD, SET, H_L],
  ...[GET, H_NEXT, SET, H_HERE, GET, H_P, F32_LOAD, 2, 12, F64_PROMOTE_F32, SET, H_NEXT],
  ...[GET, H_P, I32_CONST, 8, I32_ADD, SET, H_P],
  ...[GET, H_POS, I32_CONST, 1, I32_ADD, SET, H_POS, GET, H_NL, I32_CONST, 1, I32_ADD, SET, H_NL],
  ...[BLOCK, VOID],
  ...[GET, H_HERE, GET, H_NEXT, F64_LT, I32_EQZ, BR_IF, 0],
  ...[GET, H_NL, GET, H_MIN, I32_LT_S, BR_IF, 0],
  ...[GET, H_COUNT, GET, H_NL, I32_SUB, GET, H_MIN, I32_LT_S, BR_IF, 0],
  ...[GET, H_W, GET, H_WL, F64_SUB, SET, H_WR],
  ...[GET, H_L, GET, H_WL, ...F64X2_SPLAT, ...F64X2_DIV, SET, H_P2],
  ...[GET, H_T, GET, H_L, ...F64X2_SUB, GET, H_WR, ...F64X2_SPLAT, ...F64X2_DIV, SET, H_R2],
  ...[GET, H_P2, GET, H_P2, ...F64X2_MUL, SET, H_P2, GET, H_R2, GET, H_R2, ...F64X2_MUL, SET, H_R2],
  ...[GET, H_P2, ...F64X2_LANE(0), GET, H_P2, ...F64X2_LANE(1), F64_ADD, SET, H_IL],
  ...[GET, H_R2, ...F64X2_LANE(0), GET, H_R2, ...F64X2_LANE(1), F64_ADD, SET, H_IR],
  ...[GET, H_WL, ...f64(1), GET, H_IL, F64_SUB, F64_MUL],
  ...[GET, H_WR, ...f64(1), GET, H_IR, F64_SUB, F64_MUL, F64_ADD, SET, H_SCORE],
  ...offer(H_BEST, H_SCORE, H_BS, H_POS, H_J, H_HERE, H_NEXT, H_MID),
  ...[END],
  ...[BR, 0],
  ...[END, END, END],
];

/**
 * `sums(p, pend, weight, classes, total) → w`: for the entries from byte address `p` to `pend`,
 * adds each row's weight to `total[class]` and returns the weights' sum, in entry order as the
 * JavaScript loop; locals q, a (i32), wq, w (f64).
 */
const [S_P, S_PEND, S_WTS, S_CLS, S_TOTAL, S_Q, S_A, S_WQ, S_W] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const sumsBody = [
  ...[2, 2, I32, 2, F64],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, S_P, GET, S_PEND, I32_GE_U, BR_IF, 1],
  ...[GET, S_P, I32_LOAD, 2, 0, SET, S_Q],
  ...[GET, S_WTS, GET, S_Q, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, 3, 0, SET, S_WQ],
  ...[GET, S_W, GET, S_WQ, F64_ADD, SET, S_W],
  ...[GET, S_TOTAL, GET, S_CLS, GET, S_Q, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, 2, 0],
  ...[I32_CONST, 3, I32_SHL, I32_ADD, TEE, S_A],
  ...[GET, S_A, F64_LOAD, 3, 0, GET, S_WQ, F64_ADD, F64_STORE, 3, 0],
  ...[GET, S_P, I32_CONST, 8, I32_ADD, SET, S_P, BR, 0],
  ...[END, END],
  ...[GET, S_W, END],
];

/** `mark(p, pmid, pend, flags)`: `flags[row] = 1` for the entries before `pmid`, 0 for those after. */
const [M_P, M_MID, M_END, M_FLAGS] = [0, 1, 2, 3];
const markBody = [
  ...[0],
  ...[BLOCK, VOID, LOOP, VOID],
  ...[GET, M_P, GET, M_END, I32_GE_U, BR_IF, 1],
  ...[GET, M_FLAGS, GET, M_P, I32_LOAD, 2, 0, I32_ADD, GET, M_P, GET, M_MID, I32_LT_U, I32_STORE8, 0, 0],
  ...[GET, M_P, I32_CONST, 8, I32_ADD, SET, M_P, BR, 0],
  ...[END, END, END],
];

/** The module: `part`, `gini`, `gini2`, `sums` and `mark`, over an imported memory `e.m`. */
export const cartModuleBytes = (): Uint8Array =>
  Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [
      5,
      0x60,
      7,
      ...new Array<number>(7).fill(I32),
      0,
      0x60,
      13,
      ...[I32, I32, I32, I32, I32, I32, I32, F64, I32, I32, I32, F64, I32],
      0,
      0x60,
      12,
      ...[I32, I32, I32, I32, I32, I32, F64, I32, I32, I32, F64, I32],
      0,
      0x60,
      5,
      ...new Array<number>(5).fill(I32),
      1,
      F64,
      0x60,
      4,
      ...new Array<number>(4).fill(I32),
      0,
    ]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 1]),
    ...section(3, [5, 0, 1, 2, 3, 4]),
    ...section(7, [
      5,
      ...name('part'),
      0x00,
      0,
      ...name('gini'),
      0x00,
      1,
      ...name('gini2'),
      0x00,
      2,
      ...name('sums'),
      0x00,
      3,
      ...name('mark'),
      0x00,
      4,
    ]),
    ...section(10, [
      5,
      ...uleb(partitionBody.length),
      ...partitionBody,
      ...uleb(giniBody.length),
      ...giniBody,
      ...uleb(gini2Body.length),
      ...gini2Body,
      ...uleb(sumsBody.length),
      ...sumsBody,
      ...uleb(markBody.length),
      ...markBody,
    ]),
  ]);
