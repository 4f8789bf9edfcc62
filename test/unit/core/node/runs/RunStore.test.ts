import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRecorded } from '../../../../../core/node/runs/recordedRun';
import {
  CorruptRunError,
  LOG_FILE,
  RECORD_FILE,
  RunNotFoundError,
  RunStore,
} from '../../../../../core/node/runs/RunStore';
import { fitEngine, fitNodes, fitPipeline, pointsCsv } from './fixtures/fitNodes';

const script = path.join(import.meta.dirname, 'fixtures', 'slowRun.ts');

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-runs-'));
  writeFileSync(path.join(dir, 'points.csv'), pointsCsv());
  return dir;
}

async function recordOne(ws: string, fit: Record<string, unknown> = {}): Promise<string> {
  const { record } = await runRecorded(fitEngine(), fitPipeline({ fit }), {
    store: new RunStore(ws),
    registry: fitNodes,
    baseDir: ws,
    workspace: ws,
  });
  return record!.id;
}

function child(ws: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ws, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('RunStore', () => {
  it('keeps every record of runs written at the same time by parallel promises', async () => {
    const ws = workspace();
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => recordOne(ws, { seed: i + 1, epochs: 3 })));
    expect(new Set(ids).size).toBe(8);
    const { runs, problems } = await new RunStore(ws).list();
    expect(problems).toEqual([]);
    expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const r of runs) {
      expect(r.status).toBe('finished');
      expect(r.epochs.fit).toHaveLength(3);
      const seed = r.seeds.fit;
      expect((r.nodes.fit.params as { seed: number }).seed).toBe(seed);
    }
    const slopes = new Set(runs.map((r) => r.metrics['score.slope']));
    expect(slopes.size).toBe(8);
  });

  it('keeps every record of runs written by two processes at once', async () => {
    const ws = workspace();
    const [a, b] = await Promise.all([child(ws, ['6', '5', '1']), child(ws, ['6', '5', '2'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const { runs, problems } = await new RunStore(ws).list();
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.status)).toEqual(['finished', 'finished']);
    expect(runs.map((r) => r.epochs.fit?.length)).toEqual([6, 6]);
    expect(new Set(runs.map((r) => r.owner.pid)).size).toBe(2);
  });

  it('reports a corrupt or missing record and lists the rest', async () => {
    const ws = workspace();
    const good = await recordOne(ws);
    const store = new RunStore(ws);
    mkdirSync(path.join(store.dir, 'badjson'));
    writeFileSync(path.join(store.dir, 'badjson', RECORD_FILE), '{"format":"weft.run",');
    mkdirSync(path.join(store.dir, 'badshape'));
    writeFileSync(
      path.join(store.dir, 'badshape', RECORD_FILE),
      JSON.stringify({ format: 'weft.run', formatVersion: 1, id: 'badshape' }),
    );
    mkdirSync(path.join(store.dir, 'empty'));
    const { runs, problems } = await store.list();
    expect(runs.map((r) => r.id)).toEqual([good]);
    expect(problems.map((p) => p.id)).toEqual(['badjson', 'badshape', 'empty']);
    expect(problems[0].error).toContain('not JSON');
    expect(problems[1].error).toMatch(/status|startedAt|owner/);
    expect(problems[2].error).toContain('missing');
    await expect(store.read('badjson')).rejects.toBeInstanceOf(CorruptRunError);
  });

  it('replays the log over a stale snapshot, skipping a torn last line', async () => {
    const ws = workspace();
    const store = new RunStore(ws);
    const id = await recordOne(ws, { epochs: 2 });
    const dir = store.runDir(id);
    const rec = JSON.parse(readFileSync(path.join(dir, RECORD_FILE), 'utf8')) as Record<string, unknown>;
    // Pretend the process died right after logging a third epoch, before its last snapshots.
    writeFileSync(
      path.join(dir, RECORD_FILE),
      JSON.stringify({
        ...rec,
        status: 'running',
        owner: { pid: 999_999_999, host: (rec.owner as { host: string }).host },
      }),
    );
    appendFileSync(
      path.join(dir, LOG_FILE),
      `${JSON.stringify({ t: 'epoch', node: 'fit', epoch: 3, metrics: { loss: 0.5 } })}\n{"t":"epo`,
    );
    const r = await store.read(id);
    expect(r.status).toBe('interrupted');
    expect(r.epochs.fit.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(r.epochs.fit[2].metrics).toEqual({ loss: 0.5 });
    const again = JSON.parse(readFileSync(path.join(dir, RECORD_FILE), 'utf8')) as { status: string };
    expect(again.status).toBe('interrupted');
  });

  it("records under the caller's run id when it is free and valid, and under a new one otherwise", async () => {
    const ws = workspace();
    const store = new RunStore(ws);
    const run = (runId: string) =>
      runRecorded(fitEngine(), fitPipeline(), { store, registry: fitNodes, baseDir: ws, runId });
    const first = await run('studio-run-1');
    expect(first.record!.id).toBe('studio-run-1');
    expect(first.outcome.ok && first.outcome.report.runId).toBe('studio-run-1');
    const again = await run('studio-run-1');
    expect(again.record!.id).not.toBe('studio-run-1');
    expect(again.outcome.ok && again.outcome.report.runId).toBe('studio-run-1');
    const odd = await run('Not/A valid id');
    expect(odd.record!.id).toMatch(/^[0-9a-f]{12}$/);
    expect((await store.list()).runs).toHaveLength(3);
  });

  it('resolves id prefixes and removes runs, refusing unknown ids', async () => {
    const ws = workspace();
    const store = new RunStore(ws);
    const a = await recordOne(ws);
    const b = await recordOne(ws, { seed: 9 });
    expect(await store.resolve(a.slice(0, 6))).toBe(a);
    await expect(store.resolve('zz')).rejects.toBeInstanceOf(RunNotFoundError);
    await store.remove(a);
    expect(existsSync(store.runDir(a))).toBe(false);
    expect((await store.list()).runs.map((r) => r.id)).toEqual([b]);
    await expect(store.remove(a)).rejects.toBeInstanceOf(RunNotFoundError);
  });
});
