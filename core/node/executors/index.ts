import type { ExecutorRegistry } from './Executor';

/** One executor per built-in node type; `test/unit/core/node/registry.test.ts` checks none is missing. */
export const builtinExecutors = {} satisfies ExecutorRegistry;
