/** The tasks a learner worker thread runs (see `core/node/learners/learnerWorker.ts`). */
export type LearnerTask = 'forestInit' | 'forestTree' | 'histTeam';

/**
 * Worker threads a fit may use, opened by its host (Node's worker_threads). Each worker runs one
 * task at a time; memory is shared through SharedArrayBuffers in the inputs.
 */
export interface LearnerThreads {
  /** Workers that started (besides the calling thread). */
  readonly size: number;
  /** Runs `task` on worker `w` and resolves with its output. */
  call(w: number, task: LearnerTask, input: unknown): Promise<unknown>;
  /** Stops every worker. */
  close(): Promise<void>;
}

/** Threads a learner's `threads` param stands for: 0 is the host's choice (its cores). */
export function threadCount(requested: number, auto: number | undefined): number {
  return Math.max(1, requested > 0 ? requested : (auto ?? 1));
}

/** A zeroed Float32Array (shared between threads when `shared`). */
export function float32Array(n: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n);
}

/** A zeroed Int32Array (shared between threads when `shared`). */
export function int32Array(n: number, shared: boolean): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(4 * n)) : new Int32Array(n);
}

/** A shared copy of `a`. */
export function sharedCopy<T extends Float32Array | Int32Array | Uint8Array | Float64Array>(a: T): T {
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Ctor(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}
