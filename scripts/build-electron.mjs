// Bundles the Electron main process, preload and engine host into dist/electron/*.cjs with esbuild.
// npm packages stay external (they ship in the app's node_modules); the preload is bundled whole
// for the sandbox, where only `electron` can be required.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(root, process.argv[2] ?? 'dist/electron');

// Bundled CommonJS has no import.meta; code that reads import.meta.url gets the bundle's URL. Sources
// that find package.json relative to themselves (core/node/version.ts: two folders up) still do,
// because the bundles sit two folders below the package root too (dist/electron, app.asar/dist/electron).
const importMetaShim = {
  banner: { js: "const __weftImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__weftImportMetaUrl' },
};

const common = {
  bundle: true,
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  build({
    ...common,
    ...importMetaShim,
    entryPoints: ['electron/main.ts'],
    outfile: path.join(outDir, 'main.cjs'),
    platform: 'node',
    target: 'node22',
    packages: 'external',
  }),
  build({
    ...common,
    ...importMetaShim,
    entryPoints: ['electron/engineHost/main.ts'],
    outfile: path.join(outDir, 'engine-host.cjs'),
    platform: 'node',
    target: 'node22',
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: ['core/node/learners/learnerWorker.ts'],
    outfile: path.join(outDir, 'learner-worker.cjs'),
    platform: 'node',
    target: 'node22',
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: ['core/node/data/csvWorker.ts'],
    outfile: path.join(outDir, 'csv-worker.cjs'),
    platform: 'node',
    target: 'node22',
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: path.join(outDir, 'preload.cjs'),
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
  }),
]);
console.log(`weft: built Electron main, preload and engine host into ${path.relative(root, outDir) || '.'}`);
