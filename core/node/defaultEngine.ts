import path from 'node:path';
import { builtinNodes } from '../common';
import { Engine } from './engine/Engine';
import { builtinExecutors } from './executors';

/**
 * The engine with every built-in node, caching under `<workspace>/.weft/cache` by the measured
 * policy (see `EngineOptions.persist`): trained models and results slow to recompute for their size
 * are stored, cheap large results (a table the CSV reader rebuilds in a second) keep only their
 * summary, so an unchanged pipeline is all cached in a new process and nothing retrains.
 */
export function createDefaultEngine(
  workspace: string,
  opts: { persist?: 'expensive' | 'measured' | 'all'; lean?: boolean } = {},
): Engine {
  return new Engine({
    registry: builtinNodes,
    executors: builtinExecutors,
    cacheDir: path.join(workspace, '.weft', 'cache'),
    persist: opts.persist ?? 'measured',
    ...(opts.lean ? { lean: true } : {}),
  });
}
