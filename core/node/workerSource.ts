import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * A worker thread's code for `new Worker(code, { eval })`: the bundle entry `bundled` (a name
 * without extension) beside the calling module `here` when it runs bundled (the CLI's `.mjs`
 * and Electron's `.cjs` builds), else the TypeScript module `source` (relative to `here`)
 * through tsx's require hook.
 */
export function workerSource(here: string, bundled: string, source: string): { code: string | URL; eval: boolean } {
  if (here.endsWith('.mjs')) return { code: new URL(`./${bundled}.mjs`, here), eval: false };
  if (here.endsWith('.cjs') || here.endsWith('.js')) return { code: new URL(`./${bundled}.cjs`, here), eval: false };
  // tsx's require hook transpiles in the worker's own thread (its import hook starts a loader thread per worker)
  const entry = fileURLToPath(new URL(source, here));
  const api = createRequire(here).resolve('tsx/cjs/api');
  return { code: `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(entry)});`, eval: true };
}
