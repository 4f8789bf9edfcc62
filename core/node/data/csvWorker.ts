/** A CSV worker thread: reads the chunks of the jobs it is sent (see `csvThreads.ts`). */
import { parentPort } from 'node:worker_threads';
import { type CsvJob, readChunks, transferList } from './csvChunk';

const port = parentPort!;
port.on('message', (job: CsvJob) => {
  readChunks(job, (result) => port.postMessage({ result }, transferList(result))).then(
    () => port.postMessage({ done: true }),
    (e: unknown) => port.postMessage({ done: true, error: e instanceof Error ? e.message : String(e) }),
  );
});
