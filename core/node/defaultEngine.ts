import path from 'node:path';
import { builtinNodes } from '../common';
import { Engine } from './engine/Engine';
import { builtinExecutors } from './executors';

/**
 * The engine with every built-in node, caching under `<workspace>/.weft/cache`: expensive outputs
 * only for a long-lived studio, every output for the CLI (`persist: 'all'`), where each run is a new process.
 */
export function createDefaultEngine(workspace: string, opts: { persist?: 'expensive' | 'all' } = {}): Engine {
  return new Engine({
    registry: builtinNodes,
    executors: builtinExecutors,
    cacheDir: path.join(workspace, '.weft', 'cache'),
    persist: opts.persist ?? 'expensive',
  });
}
