import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WEFT_MALLOC_TUNABLES, withMallocTunables } from '../../../bin/mallocTunables.js';
import { linearModel, tempDir, writeModel } from '../core/node/onnx/onnxFiles';

const bin = path.resolve('bin/weft.js');
const dir = tempDir('weft-launcher-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = writeModel(dir, 'tiny.onnx', linearModel([[1], [2]], [0]));

describe('withMallocTunables', () => {
  it('adds the tunables on Linux, after tunables of other kinds', () => {
    expect(withMallocTunables({ A: '1' }, 'linux')).toEqual({ A: '1', GLIBC_TUNABLES: WEFT_MALLOC_TUNABLES });
    expect(withMallocTunables({ GLIBC_TUNABLES: 'glibc.cpu.x86_shstk=off' }, 'linux')?.GLIBC_TUNABLES).toBe(
      `glibc.cpu.x86_shstk=off:${WEFT_MALLOC_TUNABLES}`,
    );
    expect(WEFT_MALLOC_TUNABLES).toBe(
      'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=2147483647:glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2',
    );
  });

  it('adds nothing elsewhere, nor over malloc tunables the user set', () => {
    expect(withMallocTunables({}, 'darwin')).toBeUndefined();
    expect(withMallocTunables({}, 'win32')).toBeUndefined();
    expect(withMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux')).toBeUndefined();
  });
});

/** `weft serve-model` started through bin/weft.js, its pid, and its relaunched process's pid once it serves. */
async function serving(): Promise<{ p: ChildProcessWithoutNullStreams; child: number }> {
  const p = spawn(process.execPath, [bin, 'serve-model', file, '--port', '0', '--provider', 'cpu'], {
    env: { ...process.env, GLIBC_TUNABLES: '' },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/serving tiny on http/.test(out)) resolve();
    });
    p.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  const children = readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(/\s+/);
  expect(children).toHaveLength(1);
  return { p, child: Number(children[0]) };
}

/** Whether a process has ended (gone, or a zombie nobody has reaped yet). */
function ended(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

describe.runIf(process.platform === 'linux')('bin/weft.js relaunching a long-running command', () => {
  it('runs it in a child with the malloc tunables that ends on the signal the launcher gets', async () => {
    const { p, child } = await serving();
    const environ = readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
    // glibc may cut the value at its first ':' in the process's own copy when it reads it
    expect(environ.find((e) => e.startsWith('GLIBC_TUNABLES='))).toMatch(
      /^GLIBC_TUNABLES=glibc\.malloc\.mmap_threshold=33554432/,
    );
    expect(environ).toContain(`WEFT_LAUNCHER_PID=${p.pid}`);
    // Ctrl-C's SIGINT: passed on once (the child is in a session of its own), and serve-model stops cleanly
    const code = await new Promise<number | null>((resolve) => {
      p.on('exit', resolve);
      p.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(ended(child)).toBe(true);
  });

  it('stops and continues the child with the launcher (Ctrl-Z, fg)', async () => {
    const { p, child } = await serving();
    const state = (pid: number): string => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0];
    };
    const until = async (ok: () => boolean): Promise<void> => {
      for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    p.kill('SIGTSTP');
    await until(() => state(p.pid!) === 'T' && state(child) === 'T');
    expect([state(p.pid!), state(child)]).toEqual(['T', 'T']);
    p.kill('SIGCONT');
    await until(() => state(p.pid!) !== 'T' && state(child) !== 'T');
    expect([state(p.pid!), state(child)].some((s) => s === 'T')).toBe(false);
    const code = await new Promise<number | null>((resolve) => {
      p.on('exit', resolve);
      p.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('ends the child at once when the launcher is killed outright', async () => {
    const { p, child } = await serving();
    await new Promise((resolve) => {
      p.on('exit', resolve);
      p.kill('SIGKILL');
    });
    for (let i = 0; i < 100 && !ended(child); i++) await new Promise((r) => setTimeout(r, 50));
    expect(ended(child)).toBe(true);
  });
});
