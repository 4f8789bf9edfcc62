/**
 * The byte encoding shared by the WebAssembly modules Weft assembles in TypeScript (no toolchain or
 * download needed): LEB128 integers, names, sections, vectors and the module header. Each module
 * (`learners/histWasm.ts`, `learners/logisticWasm.ts`, `node/training/optimizerKernels.ts`) writes
 * its own function bodies with these.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** `\0asm` and version 1. */
export const WASM_HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Unsigned LEB128. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

/** A name: its length, then its (ASCII) characters. */
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

/** A section: its id, its byte length, its bytes. */
export const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

/** A vector: its item count, then the items. */
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
