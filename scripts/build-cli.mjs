// Bundles the `weft` CLI into dist/cli/*.mjs with esbuild (npm packages stay external), so
// bin/weft.js starts without transpiling TypeScript. Commands import their heavy modules with
// import(), which become separate chunks loaded only by the commands that need them.
// dist/cli/inputs.json records each source file's mtime: bin/weft.js falls back to tsx on the
// sources as soon as one of them differs, so an edited checkout never runs a stale bundle.
import { build } from 'esbuild';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'cli');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  // learner-worker: the worker threads of ml.forest and ml.boosting (core/node/learners/threadPool.ts).
  entryPoints: { weft: 'core/cli/main.ts', 'learner-worker': 'core/node/learners/learnerWorker.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const inputs = {};
for (const file of Object.keys(result.metafile.inputs)) {
  if (file.includes('node_modules')) continue;
  inputs[file] = statSync(path.join(root, file)).mtimeMs;
}
writeFileSync(path.join(outdir, 'inputs.json'), JSON.stringify({ inputs }));
