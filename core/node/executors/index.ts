import { csvExecutor } from './data/csv';
import type { ExecutorRegistry } from './Executor';
import { splitExecutor } from './prep/split';

/** One executor per built-in node type; `test/unit/core/node/registry.test.ts` checks none is missing. */
export const builtinExecutors = {
  'data.csv': csvExecutor,
  'prep.split': splitExecutor,
} satisfies ExecutorRegistry;
