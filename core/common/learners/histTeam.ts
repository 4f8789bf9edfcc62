import { addColumns } from './histKernel';
import { WasmHist } from './histWasm';
import type { HistScratch } from './histTree';

/** Nodes with fewer rows are built by the calling thread alone (waking the team costs more). */
export const TEAM_MIN_ROWS = 2048;

/** How long the calling thread waits for a member's features before it gives up (a dead worker). */
const MEMBER_TIMEOUT_MS = 120_000;

const GEN = 0;
const DONE = 1;
const STOP = 2;
const START = 3;
const SIZE = 4;
const IDENTITY = 5;

/**
 * What the threads of a histogram team share: binned columns, the node's rows and their ordered
 * gradients and hessians, the histogram they write, and a control word array for Atomics.
 */
export interface HistTeamShared {
  ctrl: Int32Array;
  bins: Uint8Array;
  n: number;
  d: number;
  /** Values per feature in a histogram: `(missingBin + 1) × 3`. */
  stride: number;
  rows: Int32Array;
  og: Float32Array;
  oh: Float32Array;
  out: Float64Array;
  /** Threads in the team, the calling one included. */
  members: number;
  /** The WebAssembly memory all the arrays above are views of, when the team uses the WebAssembly kernel. */
  memory?: unknown;
}

/** Features `[j0, j1)` of team member `index` (0: the calling thread), in groups of four. */
function slice(d: number, members: number, index: number): [number, number] {
  const at = (i: number) => (i >= members ? d : Math.min(d, 4 * Math.round((i * d) / members / 4)));
  return [at(index), at(index + 1)];
}

/** The shared state of a team of `members` threads for `bins` (shared) and scratch buffers (shared). */
export function histTeamShared(
  bins: Uint8Array,
  n: number,
  d: number,
  stride: number,
  rows: Int32Array,
  scratch: HistScratch,
  members: number,
): HistTeamShared {
  const wasm = scratch.wasm;
  return {
    ctrl: new Int32Array(new SharedArrayBuffer(4 * 8)),
    bins,
    n,
    d,
    stride,
    rows,
    og: scratch.grad,
    oh: scratch.hess,
    out: wasm ? wasm.out : new Float64Array(new SharedArrayBuffer(8 * d * stride)),
    members,
    ...(wasm ? { memory: wasm.memory } : {}),
  };
}

/** Adds the node's rows to `s.out` for features `[j0, j1)`: the WebAssembly kernel four at a time, the rest in JavaScript. */
function addSlice(s: HistTeamShared, wasm: WasmHist | undefined, j0: number, j1: number): void {
  const identity = s.ctrl[IDENTITY] === 1;
  const start = s.ctrl[START];
  const size = s.ctrl[SIZE];
  s.out.fill(0, j0 * s.stride, j1 * s.stride);
  const jw = wasm ? j0 + ((j1 - j0) & ~3) : j0;
  if (wasm) wasm.addColumns(start, size, j0, jw);
  addColumns(s.bins, s.n, jw, j1, identity ? null : s.rows, start, size, s.og, s.oh, s.out, s.stride);
}

/** A worker's side of the team (member `index` ≥ 1): builds its features of each node until stopped. */
export function histTeamMember(s: HistTeamShared, index: number): void {
  const [j0, j1] = slice(s.d, s.members, index);
  const wasm = s.memory === undefined ? undefined : WasmHist.attach(s.memory, s.n, s.d, s.stride);
  let seen = 0;
  for (;;) {
    Atomics.wait(s.ctrl, GEN, seen);
    seen = Atomics.load(s.ctrl, GEN);
    if (Atomics.load(s.ctrl, STOP) === 1) return;
    addSlice(s, wasm, j0, j1);
    Atomics.add(s.ctrl, DONE, 1);
    Atomics.notify(s.ctrl, DONE);
  }
}

/**
 * The calling thread's side: wakes the members, builds its own features, waits for theirs. Each
 * feature is summed by one thread in row order, so histograms are the same bit for bit whatever
 * the team's size.
 */
export class HistTeam {
  constructor(
    readonly shared: HistTeamShared,
    private readonly wasm?: WasmHist,
  ) {}

  /** Whether this team can build histograms of these arrays. */
  serves(bins: Uint8Array, rows: Int32Array, scratch: HistScratch): boolean {
    const s = this.shared;
    return s.bins === bins && s.rows === rows && s.og === scratch.grad && s.oh === scratch.hess;
  }

  /** Adds rows `start .. start + size` (gradients `g`, `h` in that order) to `hist` (zeroed). */
  build(start: number, size: number, identity: boolean, g: Float32Array, h: Float32Array, hist: Float64Array): void {
    const s = this.shared;
    if (g !== s.og) {
      s.og.set(g.subarray(0, size));
      s.oh.set(h.subarray(0, size));
    }
    const c = s.ctrl;
    Atomics.store(c, DONE, 0);
    c[START] = start;
    c[SIZE] = size;
    c[IDENTITY] = identity ? 1 : 0;
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    const [j0, j1] = slice(s.d, s.members, 0);
    addSlice(s, this.wasm, j0, j1);
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= s.members - 1) break;
      if (Atomics.wait(c, DONE, done, MEMBER_TIMEOUT_MS) === 'timed-out') {
        throw new Error(`a histogram worker thread did not answer within ${MEMBER_TIMEOUT_MS / 1000} s`);
      }
    }
    hist.set(s.out);
  }

  /** Releases the members (their tasks return). */
  stop(): void {
    Atomics.store(this.shared.ctrl, STOP, 1);
    Atomics.add(this.shared.ctrl, GEN, 1);
    Atomics.notify(this.shared.ctrl, GEN);
  }
}
