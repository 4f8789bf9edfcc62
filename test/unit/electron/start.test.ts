import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const startScript = path.join(root, 'scripts/start.mjs');
type Status = { ok: true; binary: string; version: string } | { ok: false; reason: string };
const { electronStatus } = (await import(startScript)) as { electronStatus: (dir: string) => Status };

/** An `electron` package folder as npm leaves it, with or without the downloaded binary. */
function electronPackage(opts: { pathTxt?: string; binary?: string } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weft-electron-pkg-'));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"electron","version":"41.7.1"}');
  if (opts.pathTxt !== undefined) writeFileSync(path.join(dir, 'path.txt'), opts.pathTxt);
  if (opts.binary !== undefined) {
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'dist', 'electron'), opts.binary);
    chmodSync(path.join(dir, 'dist', 'electron'), 0o755);
  }
  return dir;
}

describe('npm start: is the Electron binary there and does it run?', () => {
  it('no electron package', () => {
    expect(electronStatus(path.join(os.tmpdir(), 'no-such-electron'))).toEqual({
      ok: false,
      reason: 'the electron package is not installed',
    });
  });

  it('package without a downloaded binary (no path.txt)', () => {
    expect(electronStatus(electronPackage())).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not downloaded'),
    });
  });

  it('path.txt names a binary that is missing', () => {
    expect(electronStatus(electronPackage({ pathTxt: 'electron' }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('binary is missing'),
    });
  });

  it.skipIf(process.platform === 'win32')('a binary that cannot start here, with its first error line', () => {
    const dir = electronPackage({
      pathTxt: 'electron',
      binary: '#!/bin/sh\necho "error while loading shared libraries: libgtk-3.so.0" >&2\nexit 127\n',
    });
    expect(electronStatus(dir)).toEqual({
      ok: false,
      reason: 'the Electron binary does not run here (error while loading shared libraries: libgtk-3.so.0)',
    });
  });

  it.skipIf(process.platform === 'win32')('a binary that runs gives its version', () => {
    const dir = electronPackage({
      pathTxt: 'electron\n',
      binary: '#!/bin/sh\n[ "$1" = "--version" ] && echo v41.7.1\n',
    });
    expect(electronStatus(dir)).toEqual({ ok: true, binary: path.join(dir, 'dist', 'electron'), version: 'v41.7.1' });
  });

  it('in this checkout: opens Electron when it runs, else one line why and `weft studio --open`', () => {
    const r = spawnSync(process.execPath, [startScript], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, WEFT_START_DRY_RUN: '1' },
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const here = electronStatus(path.join(root, 'node_modules', 'electron'));
    if (here.ok) {
      expect(lines).toEqual([`would open Electron ${here.version}: ${here.binary} .`]);
    } else {
      expect(lines).toEqual([
        `weft: ${here.reason}; opening \`weft studio\` in your browser instead.`,
        'would run: node bin/weft.js studio --open',
      ]);
    }
  });
});
