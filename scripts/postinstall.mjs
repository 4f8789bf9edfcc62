// Fetches the Electron binary where the network allows; never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

const dir = electronDir();
if (process.env.WEFT_SKIP_ELECTRON_DOWNLOAD || !dir) process.exit(0);
if (existsSync(path.join(dir, 'path.txt'))) process.exit(0);
const result = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
  stdio: ['ignore', 'ignore', 'pipe'],
  timeout: 120_000,
  env: { ...process.env, ELECTRON_GET_USE_PROXY: process.env.ELECTRON_GET_USE_PROXY ?? '' },
});
if (result.status !== 0 || !existsSync(path.join(dir, 'path.txt'))) {
  console.warn(
    'weft: Electron binary not downloaded (offline?); `npm start` will open `weft studio` in a browser instead.',
  );
}
process.exit(0);
