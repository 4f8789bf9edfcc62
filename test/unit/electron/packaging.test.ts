import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  statFile(archive: string, file: string): { unpacked?: boolean; size?: number };
  extractFile(archive: string, file: string): Buffer;
};

const ortDir = 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64';

/**
 * An unpacked Electron folder as electron-builder expects one for Linux (`electronDist`): the
 * `electron` executable (here a shell script), `resources/` and the usual side files.
 */
function electronDistStandIn(dir: string): void {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  mkdirSync(path.join(dir, 'locales'), { recursive: true });
  writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\necho "stand-in for Electron $@"\n');
  chmodSync(path.join(dir, 'electron'), 0o755);
  writeFileSync(path.join(dir, 'version'), '41.7.1');
  writeFileSync(path.join(dir, 'LICENSE'), 'MIT');
  writeFileSync(path.join(dir, 'locales', 'en-US.pak'), '');
}

describe.skipIf(process.platform !== 'linux' || process.arch !== 'x64')(
  'electron-builder --dir with a local Electron stand-in (linux x64)',
  () => {
    let tmp: string;
    let out: string;
    let archive: string;
    let files: Set<string>;

    beforeAll(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'weft-pack-'));
      const dist = path.join(tmp, 'electron-dist');
      electronDistStandIn(dist);
      execFileSync(process.execPath, [path.join(root, 'scripts/build-electron.mjs')], { cwd: root, stdio: 'pipe' });
      out = path.join(tmp, 'out');
      // The project's own config (read in electron-builder's process, where WEFT_ELECTRON_DIST is set), with only the output folder moved.
      const cfgFile = path.join(tmp, 'builder.cjs');
      writeFileSync(
        cfgFile,
        `const base = require(${JSON.stringify(path.join(root, 'electron-builder.cjs'))});\n` +
          `module.exports = { ...base, directories: { ...base.directories, output: ${JSON.stringify(out)} } };\n`,
      );
      const r = spawnSync(
        process.execPath,
        [
          require.resolve('electron-builder/cli.js'),
          '--dir',
          '--linux',
          '--x64',
          '--config',
          cfgFile,
          '--projectDir',
          root,
        ],
        {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, WEFT_ELECTRON_DIST: dist, ELECTRON_BUILDER_OFFLINE: '1', CI: '1' },
          timeout: 120_000,
        },
      );
      if (r.status !== 0) throw new Error(`electron-builder failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
      archive = path.join(out, 'linux-unpacked', 'resources', 'app.asar');
      files = new Set(asar.listPackage(archive, { isPack: false }).map((f) => f.split(path.sep).join('/')));
    }, 120_000);

    afterAll(() => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it('used the local Electron stand-in (nothing downloaded) and named the executable weft', () => {
      const exe = path.join(out, 'linux-unpacked', 'weft');
      expect(readFileSync(exe, 'utf8')).toBe(readFileSync(path.join(tmp, 'electron-dist', 'electron'), 'utf8'));
      expect(statSync(exe).mode & 0o111).not.toBe(0);
      expect(existsSync(path.join(out, 'linux-unpacked', 'electron'))).toBe(false);
    });

    it('packs the bundles, the package manifest with its entry point, examples and the runtime dependencies', () => {
      for (const f of [
        '/package.json',
        '/dist/electron/main.cjs',
        '/dist/electron/preload.cjs',
        '/dist/electron/engine-host.cjs',
        '/node_modules/zod/package.json',
        '/node_modules/onnxruntime-node/package.json',
      ]) {
        expect(files.has(f), f).toBe(true);
      }
      const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string };
      expect(manifest.main).toBe('dist/electron/main.cjs');
      if (existsSync(path.join(root, 'dist/renderer/index.html')))
        expect(files.has('/dist/renderer/index.html')).toBe(true);
      else
        console.warn(
          'packaging test: dist/renderer is not built, so the renderer was not packed (npm run dist builds it first)',
        );
    });

    it('leaves sources, tests, source maps, dev tools and other platforms’ binaries out', () => {
      const list = [...files];
      for (const prefix of [
        '/core/',
        '/electron/',
        '/renderer/',
        '/test/',
        '/bench/',
        '/node_modules/typescript/',
        '/node_modules/vitest/',
        '/node_modules/electron/',
        '/node_modules/tsx/',
        '/node_modules/esbuild/',
      ]) {
        expect(
          list.filter((f) => f.startsWith(prefix)),
          prefix,
        ).toEqual([]);
      }
      expect(list.filter((f) => f.endsWith('.map') && f.startsWith('/dist/'))).toEqual([]);
      expect(list.filter((f) => /onnxruntime-node\/bin\/napi-v6\/(darwin|win32|linux\/arm64)\//.test(f))).toEqual([]);
    });

    it('unpacks onnxruntime-node and sharp native files next to the asar, marked unpacked in it', () => {
      const unpacked = path.join(out, 'linux-unpacked', 'resources', 'app.asar.unpacked');
      for (const f of [`${ortDir}/onnxruntime_binding.node`, `${ortDir}/libonnxruntime.so.1`]) {
        const onDisk = path.join(unpacked, f);
        expect(existsSync(onDisk), f).toBe(true);
        expect(statSync(onDisk).size).toBe(statSync(path.join(root, f)).size);
        expect(asar.statFile(archive, f).unpacked, f).toBe(true);
      }
      const sharpNative = [...files].filter((f) => /^\/node_modules\/@img\/sharp-linux-x64\/lib\/.*\.node$/.test(f));
      expect(sharpNative.length).toBeGreaterThan(0);
      for (const f of sharpNative) expect(existsSync(path.join(unpacked, f))).toBe(true);
      const nativeInside = [...files].filter(
        (f) => f.endsWith('.node') && !asar.statFile(archive, f.slice(1)).unpacked,
      );
      expect(nativeInside).toEqual([]);
    });

    it('every package the bundles require at run time is in the archive', () => {
      const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron']);
      const required = new Set<string>();
      for (const bundle of ['main.cjs', 'engine-host.cjs', 'preload.cjs']) {
        const text = asar.extractFile(archive, `dist/electron/${bundle}`).toString('utf8');
        for (const m of text.matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
          const spec = m[1];
          if (builtins.has(spec)) continue;
          required.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        }
      }
      expect(required.size).toBeGreaterThan(0);
      for (const pkg of required) expect(files.has(`/node_modules/${pkg}/package.json`), pkg).toBe(true);
      const preload = asar.extractFile(archive, 'dist/electron/preload.cjs').toString('utf8');
      expect([...preload.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    });
  },
);

describe('node-abi on this Node', () => {
  it('node-abi (electron-builder → @electron/rebuild) wants Node 22 but answers for our Electron on Node 20; we never rebuild anyway', () => {
    const nodeAbi = require('node-abi') as { getAbi(target: string, runtime: string): string };
    const electronVersion = (
      JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
    ).version;
    expect(Number(nodeAbi.getAbi(electronVersion, 'electron'))).toBeGreaterThan(100);
    expect((require(path.join(root, 'electron-builder.cjs')) as { npmRebuild: boolean }).npmRebuild).toBe(false);
  });
});
