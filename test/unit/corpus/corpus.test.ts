import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../../core/node/runs/RunStore';
import { writeCorpus } from '../../fixtures/corpus/corpus';

const bin = path.resolve(import.meta.dirname, '../../../bin/weft.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'weft-corpus-'));
const cases = writeCorpus(dir);
const LIMIT_MS = 10_000;

/** Runs `weft` with a hard limit: a case that hangs is killed and reported as such. */
function weft(args: string[]): Promise<{ code: number | null; output: string; ms: number; killed: boolean }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: dir,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - t0, killed });
    });
  });
}

describe('the trust corpus: every input ends within 10 s with its exit code and message, never a stack trace', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const r = await weft(c.args);
      expect(r.killed, `still running after ${LIMIT_MS} ms`).toBe(false);
      expect(r.output).not.toMatch(/\n\s+at [\w.<>]+ \(|node:internal|TypeError|RangeError|Error: /);
      expect(r.output).toMatch(c.message);
      expect(r.code, r.output.slice(0, 2000)).toBe(c.exit);
    },
    20_000,
  );
});

describe('run failures are recorded with their reason', () => {
  it('a run that failed on /dev/zero is in the run store as failed, naming the device', async () => {
    const store = new RunStore(dir);
    const { runs } = await store.list();
    const zero = runs.find(
      (r) => r.pipeline.file?.endsWith('zero.weft.json') && !r.pipeline.file.endsWith('urandom.weft.json'),
    );
    expect(zero?.status).toBe('failed');
    expect(Object.values(zero?.nodes ?? {}).some((n) => n.error?.includes('/dev/zero: is a character device'))).toBe(
      true,
    );
  });
});
