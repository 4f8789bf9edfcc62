// Builds the CLI bundle (dist/cli) and fetches the Electron binary where the network allows;
// never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);

const cli = spawnSync(process.execPath, [path.join(here, 'build-cli.mjs')], { stdio: ['ignore', 'inherit', 'pipe'] });
if (cli.status !== 0) {
  const why = cli.stderr?.toString().trim().split('\n')[0] ?? 'unknown error';
  console.warn(`weft: CLI bundle not built (${why}); \`weft\` runs from the TypeScript sources instead.`);
}

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
