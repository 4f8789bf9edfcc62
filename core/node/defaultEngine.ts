import path from 'node:path';
import { builtinNodes } from '../common';
import { Engine } from './engine/Engine';
import { builtinExecutors } from './executors';

/** The engine with every built-in node, caching expensive outputs under `<workspace>/.weft/cache`. */
export function createDefaultEngine(workspace: string): Engine {
  return new Engine({
    registry: builtinNodes,
    executors: builtinExecutors,
    cacheDir: path.join(workspace, '.weft', 'cache'),
  });
}
