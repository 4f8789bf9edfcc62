/**
 * A learner worker thread: runs the tasks a fit hands it (see `LearnerThreads`), one at a time,
 * with the arrays it shares through SharedArrayBuffers.
 */
import { parentPort } from 'node:worker_threads';
import { CartArena } from '../../common/learners/cartWasm';
import { growForestTree, type ForestJob } from '../../common/learners/forestTree';
import { histTeamMember, type HistTeamShared } from '../../common/learners/histTeam';
import type { LearnerTask } from '../../common/learners/threads';

let forest: ForestJob | undefined;
let arena: CartArena | undefined;

const tasks: Record<LearnerTask, (input: never) => unknown> = {
  forestInit: (job: ForestJob) => {
    forest = job;
    arena = new CartArena();
    return null;
  },
  forestTree: (seed: number) => {
    if (!forest) throw new Error('forestTree before forestInit');
    return growForestTree(forest, seed, undefined, arena);
  },
  histTeam: ({ shared, index }: { shared: HistTeamShared; index: number }) => histTeamMember(shared, index),
};

const port = parentPort!;
port.on('message', ({ id, task, input }: { id: number; task: LearnerTask; input: never }) => {
  try {
    port.postMessage({ id, output: tasks[task](input) });
  } catch (e) {
    port.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
port.postMessage({ ready: true });
