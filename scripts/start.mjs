// `npm start`: build and open the Electron app where its binary is present and runs; otherwise say
// why in one line and open `weft studio` in the default browser instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Whether the Electron binary of the `electron` package in `electronDir` is there and runs.
 * @returns {{ ok: true, binary: string, version: string } | { ok: false, reason: string }}
 */
export function electronStatus(electronDir) {
  if (!existsSync(path.join(electronDir, 'package.json')))
    return { ok: false, reason: 'the electron package is not installed' };
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile))
    return { ok: false, reason: 'the Electron binary was not downloaded (no network at install time)' };
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary))
    return { ok: false, reason: `the Electron binary is missing (${path.relative(root, binary)})` };
  const r = spawnSync(binary, ['--version'], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n')[0] || `exit code ${r.status}`;
    return { ok: false, reason: `the Electron binary does not run here (${why})` };
  }
  return { ok: true, binary, version: r.stdout.trim() };
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

async function main() {
  const args = process.argv.slice(2);
  const dry = process.env.WEFT_START_DRY_RUN === '1';
  const status = electronStatus(path.join(root, 'node_modules', 'electron'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const hasRenderer = existsSync(path.join(root, 'renderer', 'vite.config.ts'));
  if (status.ok) {
    if (dry) return console.log(`would open Electron ${status.version}: ${status.binary} . ${args.join(' ')}`.trim());
    if (hasRenderer) run(npm, ['run', 'build:renderer']);
    run(npm, ['run', 'build:electron']);
    const child = spawn(status.binary, ['.', ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined },
    });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.log(`weft: ${status.reason}; opening \`weft studio\` in your browser instead.`);
  const studio = [path.join(root, 'bin', 'weft.js'), 'studio', '--open', ...args];
  if (dry) return console.log(`would run: node bin/weft.js ${studio.slice(1).join(' ')}`);
  if (hasRenderer) run(npm, ['run', 'build:renderer']);
  const child = spawn(process.execPath, studio, { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
