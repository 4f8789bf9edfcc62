import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CsvOptions } from '../../common/nodes/data/csvOptions';
import { throwIfAborted } from '../executors/Executor';
import { workerSource } from '../workerSource';
import { type ChunkResult, claimFront, closeClaims, type CsvJob, MAX_CHUNKS } from './csvChunk';
import { parseRange } from './csvFastPath';
import type { CsvLayout, CsvRows } from './csvRows';
import type { ReadHooks } from './readCsv';

/** Files smaller than this (past the header) are read on one thread: starting a worker would cost more. */
const MIN_THREADED_BYTES = 8 << 20;
/** Chunks per thread: enough that a worker that starts late, or a slower thread, leaves little idle time. */
const CHUNKS_PER_THREAD = 8;
const MIN_CHUNK = 1 << 20;
const MAX_CHUNK = 64 << 20;

/** How long idle workers wait for the next read before they end (and give their memory back). */
const IDLE_MS = 1000;
/** Idle workers kept for the next read. */
const idle: Worker[] = [];
let idleTimer: NodeJS.Timeout | undefined;

function takeWorkers(n: number): Worker[] {
  clearTimeout(idleTimer);
  const out = idle.splice(0, n);
  while (out.length < n) {
    const { code, eval: isEval } = workerSource(import.meta.url, 'csv-worker', './csvWorker.ts');
    const w = new Worker(code, { eval: isEval, execArgv: [] });
    // a worker that fails while idle leaves the pool (a job listens for its own failures)
    const leave = (): void => {
      const i = idle.indexOf(w);
      if (i >= 0) idle.splice(i, 1);
    };
    w.on('error', leave);
    w.on('exit', leave);
    out.push(w);
  }
  for (const w of out) w.ref();
  return out;
}

/** The threads a read of `layout` uses: one, unless the file is large (or `hooks.chunkBytes` asks for chunks). */
export function csvThreads(layout: CsvLayout, hooks: ReadHooks): number {
  const threads = hooks.threads && hooks.threads > 0 ? hooks.threads : availableParallelism();
  if (threads < 2 || (hooks.chunkBytes === undefined && layout.size < MIN_THREADED_BYTES)) return 1;
  return threads;
}

/** Chunk results from a job's workers, by chunk index; null for a chunk whose worker died. */
class Results {
  private readonly got = new Map<number, ChunkResult>();
  private readonly waiting = new Map<number, (r: ChunkResult | null) => void>();
  private dead = false;
  private running: number;
  private readonly finished: Promise<void>;
  private allDone = (): void => {};
  /** Chunks read by a worker and used as they were. */
  used = 0;

  constructor(
    private readonly workers: Worker[],
    job: CsvJob,
  ) {
    this.running = workers.length;
    this.finished = new Promise((resolve) => (this.allDone = resolve));
    for (const w of workers) {
      w.on('message', this.onMessage);
      w.once('error', this.onDeath);
      w.once('exit', this.onDeath);
      w.postMessage(job);
    }
  }

  private readonly onMessage = (m: { result?: ChunkResult; done?: boolean }): void => {
    if (m.result) {
      const wait = this.waiting.get(m.result.index);
      if (wait) {
        this.waiting.delete(m.result.index);
        wait(m.result);
      } else this.got.set(m.result.index, m.result);
    }
    if (m.done && --this.running === 0) this.allDone();
  };

  private readonly onDeath = (): void => {
    this.dead = true;
    for (const wait of this.waiting.values()) wait(null);
    this.waiting.clear();
    this.allDone();
  };

  get(j: number): Promise<ChunkResult | null> {
    const r = this.got.get(j);
    if (r !== undefined) {
      this.got.delete(j);
      return Promise.resolve(r);
    }
    if (this.dead) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.set(j, resolve));
  }

  /** Waits for the workers to finish the job, then keeps them for the next read; `abandon` ends them at once instead. */
  async close(abandon: boolean): Promise<void> {
    if (!abandon && !this.dead) await this.finished;
    for (const w of this.workers) {
      w.off('message', this.onMessage);
      w.off('error', this.onDeath);
      w.off('exit', this.onDeath);
      if (abandon || this.dead) void w.terminate();
      else {
        w.unref();
        idle.push(w);
      }
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      for (const w of idle.splice(0)) void w.terminate();
    }, IDLE_MS);
    idleTimer.unref();
  }
}

/**
 * `fastPass` on `threads` threads: this one reads the header and the first row, then chunks of the file from the
 * front while worker threads read chunks from the back, each into columns of its own
 * (`readChunks`). Walking the chunks in order, this thread adds each worker's columns to its
 * own (`ColumnBuilder.append`) where the chunk before ends at the record the worker started
 * from, and reads the chunk itself where not (a quoted line break at the bound) or where the
 * worker could not read it (the error is then reported with its line), so `rows` ends as the
 * one-thread pass leaves it.
 */
export async function chunkedPass(
  layout: CsvLayout,
  rows: CsvRows,
  opts: CsvOptions,
  asStrings: ReadonlySet<string>,
  threads: number,
  hooks: ReadHooks,
): Promise<boolean> {
  const head = await parseRange(
    layout,
    rows,
    { from: 0, line: 1, until: 0, extend: (at) => (rows.builders === null || rows.builders[0].n === 0 ? at + 1 : at) },
    hooks,
  );
  if (head === false) return false;
  const { size } = layout;
  const from = head.end;
  const rest = size - from;
  if (rest <= 0) return true;
  const wanted = hooks.chunkBytes ?? Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, rest / (threads * CHUNKS_PER_THREAD)));
  const count = Math.min(MAX_CHUNKS, Math.ceil(rest / Math.max(1, wanted)));
  const { crlf } = head;
  if (count < 2)
    return (await parseRange(layout, rows, { from, line: head.line, crlf, until: Infinity }, hooks)) !== false;
  const bounds = Array.from({ length: count + 1 }, (_, j) => from + Math.round((j * rest) / count));
  const claims = new Int32Array(new SharedArrayBuffer(4));
  claims[0] = 1 + (count << 16);
  const job: CsvJob = {
    layout,
    opts,
    asStrings: [...asStrings],
    names: rows.names,
    demoted: rows.builders!.flatMap((b, k) => (b.demoted && b.hasText ? [k] : [])),
    crlf,
    bounds,
    claims,
  };
  const results = new Results(takeWorkers(threads - 1), job);
  let abandon = true;
  try {
    let next = 1;
    const mine = await parseRange(
      layout,
      rows,
      {
        from,
        line: head.line,
        crlf,
        until: bounds[1],
        extend: (at) => {
          for (let j = claimFront(claims); j >= 0; j = claimFront(claims)) {
            next = j + 1;
            if (bounds[j + 1] > at) return bounds[j + 1];
          }
          return at;
        },
      },
      hooks,
    );
    if (mine === false) return false;
    let { end, line } = mine;
    const builders = rows.builders!;
    for (let j = next; j < count; j++) {
      const r = await results.get(j);
      if (hooks.signal) throwIfAborted(hooks.signal);
      if (r?.ok && r.start === end) {
        for (let k = 0; k < builders.length; k++) builders[k].append(r.columns[k], line - 1);
        end = r.end;
        line += r.lines;
        results.used++;
        hooks.progress?.(Math.min(0.99, end / Math.max(1, size)), `${line - 1} lines`);
      } else if (end < bounds[j + 1]) {
        const again = await parseRange(layout, rows, { from: end, line, crlf, until: bounds[j + 1] }, hooks);
        if (again === false) return false;
        ({ end, line } = again);
      }
    }
    abandon = false;
    hooks.onChunks?.(results.used);
    return true;
  } finally {
    closeClaims(claims);
    await results.close(abandon);
  }
}
