import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunLog } from '../../../../../core/common/runs';
import { LOG_FILE, RunStore } from '../../../../../core/node/runs/RunStore';

const script = path.join(import.meta.dirname, 'fixtures', 'slowRun.ts');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a run killed with SIGKILL mid-training', () => {
  it('leaves a readable record, listed as interrupted with the epochs it had logged', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'weft-kill-'));
    const p = spawn(process.execPath, ['--import', 'tsx', script, ws, '1000', '20'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => p.on('exit', (_code, signal) => resolve(signal)));
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const store = new RunStore(ws);
    let id: string | undefined;
    let logged = 0;
    for (let i = 0; i < 600 && logged < 4; i++) {
      await sleep(50);
      id ??= /started (\w+)/.exec(out)?.[1];
      if (!id) continue;
      try {
        logged = parseRunLog(readFileSync(path.join(store.runDir(id), LOG_FILE), 'utf8')).entries.filter(
          (e) => e.t === 'epoch',
        ).length;
      } catch {
        logged = 0;
      }
    }
    expect(id, 'the child never started a run').toBeDefined();
    expect(logged).toBeGreaterThanOrEqual(4);
    const whileAlive = await store.read(id!);
    expect(whileAlive.status).toBe('running');
    p.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const onDisk = parseRunLog(readFileSync(path.join(store.runDir(id!), LOG_FILE), 'utf8')).entries.filter(
      (e) => e.t === 'epoch',
    );
    const { runs, problems } = await store.list();
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(1);
    const r = runs[0];
    expect(r.id).toBe(id);
    expect(r.status).toBe('interrupted');
    expect(r.error).toContain(`process ${r.owner.pid}`);
    const epochs = r.epochs.fit;
    expect(epochs.length).toBe(onDisk.length);
    expect(epochs.length).toBeGreaterThanOrEqual(4);
    expect(epochs.length).toBeLessThan(1000);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: epochs.length }, (_, i) => i + 1));
    for (const e of epochs) expect(Number.isFinite(e.metrics.loss)).toBe(true);
    expect(r.nodes.points.status).toBe('done');
    expect(r.nodes.fit).toMatchObject({
      status: 'cancelled',
      error: `interrupted while running: process ${r.owner.pid} ended before the run finished`,
    });
    expect(r.datasets).toHaveLength(1);
    expect((await store.read(id!)).status).toBe('interrupted');
  });
});
