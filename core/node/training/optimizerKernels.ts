/**
 * Optimizer kernels in WebAssembly SIMD (f32x4), assembled here byte by byte so no toolchain or
 * download is needed. They work on byte offsets into an imported memory `env.mem`; lengths are in
 * floats and must be multiples of 4 (callers pad their vectors).
 *
 * - `scale(dst, src, n, a)`: dst = a·src
 * - `axpy(dst, src, n, a)`: dst += a·src
 * - `adam(p, g, m, v, n, b1, c1, b2, c2, step, root, eps, shrink, l2)`: g' = g + l2·p;
 *   m = b1·m + c1·g'; v = b2·v + c2·g'²; p = shrink·p − step·m / (√v·root + eps). With
 *   step = lr / (1 − β₁ᵗ) and root = 1 / √(1 − β₂ᵗ) this is `emitUpdate`'s Adam (AdamW with
 *   shrink = 1 − lr·wd and l2 = 0), in float32 as the graph computes it.
 *
 * Measured in a data-parallel worker on the bench MLP's half of 109,386 parameters: the summed
 * gradient and the Adam update took 0.29 ms and 0.22 ms as plain JavaScript loops (4–5 ns per
 * float, scalar double arithmetic); four lanes at a time they are a few tens of microseconds.
 */
import { F32, I32, name, section, uleb, V128, vec, WASM_HEADER } from '../../common/wasm/encode';

const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const tee = (i: number): number[] => [0x22, ...uleb(i)];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const load = [...simd(0x00), 0, 0];
const store = [...simd(0x0b), 0, 0];
const splat = simd(0x13);
const sqrt = simd(0xe3);
const add = simd(0xe4);
const sub = simd(0xe5);
const mul = simd(0xe6);
const div = simd(0xe7);
const addr = (base: number, i: number): number[] => [...get(base), ...get(i), 0x6a];

/** `for (i = 0; i < n·4; i += 16) body` over byte offsets; `n` is parameter `nParam`, `i` local `iLocal`. */
function loop(nParam: number, iLocal: number, body: number[]): number[] {
  return [
    ...get(nParam),
    0x41,
    2,
    0x74,
    ...set(nParam),
    0x02,
    0x40,
    0x03,
    0x40,
    ...get(iLocal),
    ...get(nParam),
    0x4f,
    0x0d,
    1,
    ...body,
    ...get(iLocal),
    0x41,
    16,
    0x6a,
    ...set(iLocal),
    0x0c,
    0,
    0x0b,
    0x0b,
  ];
}

function func(locals: [number, number][], body: number[]): number[] {
  const code = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...body, 0x0b];
  return [...uleb(code.length), ...code];
}

/** dst (0), src (1), n (2), a (3); locals i (4), a4 (5). */
function saxpy(accumulate: boolean): number[] {
  return func(
    [
      [1, I32],
      [1, V128],
    ],
    [
      ...get(3),
      ...splat,
      ...set(5),
      ...loop(2, 4, [
        ...addr(0, 4),
        ...(accumulate ? [...addr(0, 4), ...load] : []),
        ...addr(1, 4),
        ...load,
        ...get(5),
        ...mul,
        ...(accumulate ? add : []),
        ...store,
      ]),
    ],
  );
}

/** p 0, g 1, m 2, v 3, n 4, scalars 5..13; locals i 14, splats 15..23, gv 24, pv 25, mv 26, vv 27. */
function adam(): number[] {
  const [B1, C1, B2, C2, STEP, ROOT, EPS, SHRINK, L2] = [15, 16, 17, 18, 19, 20, 21, 22, 23];
  const [I, GV, PV, MV, VV] = [14, 24, 25, 26, 27];
  let splats: number[] = [];
  for (let s = 5; s <= 13; s++) splats = splats.concat(get(s), splat, set(s + 10));
  return func(
    [
      [1, I32],
      [13, V128],
    ],
    [
      ...splats,
      ...loop(4, I, [
        ...addr(0, I),
        ...load,
        ...set(PV),
        ...addr(1, I),
        ...load,
        ...get(L2),
        ...get(PV),
        ...mul,
        ...add,
        ...set(GV),
        ...addr(2, I),
        ...get(B1),
        ...addr(2, I),
        ...load,
        ...mul,
        ...get(C1),
        ...get(GV),
        ...mul,
        ...add,
        ...tee(MV),
        ...store,
        ...addr(3, I),
        ...get(B2),
        ...addr(3, I),
        ...load,
        ...mul,
        ...get(C2),
        ...get(GV),
        ...mul,
        ...get(GV),
        ...mul,
        ...add,
        ...tee(VV),
        ...store,
        ...addr(0, I),
        ...get(PV),
        ...get(SHRINK),
        ...mul,
        ...get(STEP),
        ...get(MV),
        ...mul,
        ...get(VV),
        ...sqrt,
        ...get(ROOT),
        ...mul,
        ...get(EPS),
        ...add,
        ...div,
        ...sub,
        ...store,
      ]),
    ],
  );
}

/** The kernels' module, importing `env.mem` of exactly `pages` 64 KiB pages (shared or not). */
export function optimizerKernelsWasm(pages: number, shared: boolean): Uint8Array<ArrayBuffer> {
  const axpyType = [0x60, ...vec([[I32], [I32], [I32], [F32]]), 0];
  const adamType = [0x60, ...vec([...Array<number[]>(5).fill([I32]), ...Array<number[]>(9).fill([F32])]), 0];
  const memory = [0x02, shared ? 0x03 : 0x01, ...uleb(pages), ...uleb(pages)];
  return Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, vec([axpyType, adamType])),
    ...section(2, vec([[...name('env'), ...name('mem'), ...memory]])),
    ...section(3, vec([[0], [0], [1]])),
    ...section(
      7,
      vec([
        [...name('scale'), 0x00, 0],
        [...name('axpy'), 0x00, 1],
        [...name('adam'), 0x00, 2],
      ]),
    ),
    ...section(10, vec([saxpy(false), saxpy(true), adam()])),
  ]);
}

/** The exported kernels; offsets in bytes, lengths in floats (multiples of 4). */
export interface OptimizerKernels {
  scale(dst: number, src: number, n: number, a: number): void;
  axpy(dst: number, src: number, n: number, a: number): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    step: number,
    root: number,
    eps: number,
    shrink: number,
    l2: number,
  ): void;
}

/** Instantiates the kernels on `memory` (its page count fixed: initial = maximum). */
export function instantiateKernels(memory: WebAssembly.Memory, shared: boolean): OptimizerKernels {
  const pages = memory.buffer.byteLength / 65536;
  const module = new WebAssembly.Module(optimizerKernelsWasm(pages, shared));
  return new WebAssembly.Instance(module, { env: { mem: memory } }).exports as unknown as OptimizerKernels;
}
