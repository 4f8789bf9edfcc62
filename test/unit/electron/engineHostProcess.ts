import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { UtilityProcessLike } from '../../../electron/main/electronSurface';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * Builds the Electron bundles (main, preload, engine host) with the real build script into a
 * fresh folder two levels below the project root, like dist/electron (bundled code finds
 * package.json relative to itself, and resolves the project's node_modules). It lives under
 * node_modules so the packaging test, which walks dist/, never sees it come and go.
 */
export function buildElectronBundles(): { dir: string; remove: () => void } {
  const parent = path.join(root, 'node_modules');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, '.weft-electron-test-'));
  execFileSync(process.execPath, [path.join(root, 'scripts/build-electron.mjs'), dir], { cwd: root, stdio: 'pipe' });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the bundled engine host as Electron's utilityProcess would, but with Node's `fork`
 * (the host speaks over `process.send` when there is no `parentPort`), shaped as a UtilityProcess.
 */
export function forkEngineHost(
  bundleDir: string,
  workspace: string,
): UtilityProcessLike & { signal(sig: NodeJS.Signals): void } {
  const child = fork(path.join(bundleDir, 'engine-host.cjs'), [], {
    env: { ...process.env, WEFT_WORKSPACE: workspace },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const p = {
    get pid() {
      return child.pid;
    },
    postMessage: (m: unknown) => void child.send(m as object),
    kill: () => child.kill(),
    signal: (sig: NodeJS.Signals) => void child.kill(sig),
    on(event: 'message' | 'exit', listener: (arg: never) => void) {
      if (event === 'message') child.on('message', listener as (m: unknown) => void);
      else child.on('exit', (code, sig) => (listener as (c: number) => void)(code ?? (sig === 'SIGKILL' ? 137 : 1)));
      return p;
    },
  };
  return p;
}
