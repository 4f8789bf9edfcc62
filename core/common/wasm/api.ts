/**
 * What Weft's WebAssembly modules need of the WebAssembly API. core/common is typed without DOM or
 * Node, so each module that instantiates one declares `WebAssembly` with this type:
 * `declare const WebAssembly: WasmApi | undefined;` (undefined where the runtime has none).
 */

/**
 * A linear memory; `shared` ones have a SharedArrayBuffer. `grow` adds pages and returns the old
 * size (views of the old buffer are detached).
 */
export interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** The constructors used: memories, modules from bytes, instances with their imports. */
export interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
