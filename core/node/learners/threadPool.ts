import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LearnerTask, LearnerThreads } from '../../common/learners/threads';
import { workerSource } from '../workerSource';

/** How long a worker may take to start (loading the learner modules) before the fit goes on without it. */
const START_TIMEOUT_MS = 60_000;

function start(): Promise<Worker | undefined> {
  const { code, eval: isEval } = workerSource(import.meta.url, 'learner-worker', './learnerWorker.ts');
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(code, { eval: isEval, execArgv: [] });
    } catch {
      resolve(undefined);
      return;
    }
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve(undefined);
    }, START_TIMEOUT_MS);
    const fail = () => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(undefined);
    };
    worker.once('error', fail);
    worker.once('exit', fail);
    worker.once('message', () => {
      clearTimeout(timer);
      worker.off('error', fail);
      worker.off('exit', fail);
      resolve(worker);
    });
  });
}

/** The thread count a learner's `threads: 0` stands for. */
export const autoLearnerThreads = availableParallelism();

/**
 * Starts up to `count` learner worker threads; resolves with those that started (undefined when
 * none did: the fit then runs on the calling thread, with the same result).
 */
export async function openLearnerThreads(count: number): Promise<LearnerThreads | undefined> {
  const workers = (await Promise.all(Array.from({ length: count }, start))).filter((w) => w !== undefined);
  if (workers.length === 0) return undefined;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let closed = false;
  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
  };
  for (const w of workers) {
    w.on('message', (m: { id: number; output?: unknown; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(`learner worker: ${m.error}`));
      else p.resolve(m.output);
    });
    w.on('error', (e) => failAll(`learner worker failed: ${e.message}`));
    w.on('exit', () => {
      if (!closed) failAll('a learner worker thread exited');
    });
  }
  return {
    size: workers.length,
    call(w: number, task: LearnerTask, input: unknown): Promise<unknown> {
      if (closed) return Promise.reject(new Error('learner threads are closed'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[w].postMessage({ id, task, input });
      });
    },
    async close(): Promise<void> {
      closed = true;
      failAll('learner threads are closed');
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
