// Bundles the `weft` CLI into dist/cli/*.mjs with esbuild (npm packages but zod stay external), so
// bin/weft.js starts without transpiling TypeScript. Commands import their heavy modules with
// import(), which become separate chunks loaded only by the commands that need them.
// dist/cli/inputs.json records each source file's mtime: bin/weft.js falls back to tsx on the
// sources as soon as one of them differs, so an edited checkout never runs a stale bundle.
import { build } from 'esbuild';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'cli');
// zod goes into the bundle: as a package it is some 230 ES modules that every command
// (--version included) would resolve and link one by one at start-up
const BUNDLED = new Set(['zod']);
// zod's locales barrel carries some 60 languages (about 250 KB bundled) that no command uses:
// zod registers English from its own import of en.js, and Weft never calls z.locales
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies })
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  // learner-worker: the worker threads of ml.forest and ml.boosting (core/node/learners/threadPool.ts);
  // csv-worker: those of the CSV reader (core/node/data/csvThreads.ts).
  entryPoints: {
    weft: 'core/cli/main.ts',
    'learner-worker': 'core/node/learners/learnerWorker.ts',
    'csv-worker': 'core/node/data/csvWorker.ts',
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  metafile: true,
  plugins: [englishOnlyZodLocales],
  logLevel: 'warning',
});
const inputs = {};
for (const file of Object.keys(result.metafile.inputs)) {
  if (file.includes('node_modules')) continue;
  inputs[file] = statSync(path.join(root, file)).mtimeMs;
}
writeFileSync(path.join(outdir, 'inputs.json'), JSON.stringify({ inputs }));
