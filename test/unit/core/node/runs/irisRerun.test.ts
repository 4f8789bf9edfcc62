import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinNodes } from '../../../../../core/common';
import { diffRuns, parseRunLog, toListing, type RunRecord } from '../../../../../core/common/runs';
import { LOG_FILE, RunStore } from '../../../../../core/node/runs/RunStore';
import { runWeft } from '../../../../fixtures/runWeft';

const bin = path.resolve('bin/weft.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** data.csv → prep.split → model.mlp → train.trainer → eval.classification on iris, on the CPU. */
function irisWorkspace(trainer: Record<string, unknown>): { ws: string; file: string } {
  const ws = mkdtempSync(path.join(tmpdir(), 'weft-iris-'));
  mkdirSync(path.join(ws, 'data'));
  copyFileSync(path.resolve('resources/data/iris.csv'), path.join(ws, 'data', 'iris.csv'));
  const file = path.join(ws, 'iris.weft.json');
  const node = (id: string, type: string, params: Record<string, unknown>, x: number) => ({
    id,
    type,
    version: 1,
    params,
    position: { x, y: 0 },
  });
  const edge = (s: string, sp: string, t: string, tp: string) => ({
    id: `${s}.${sp}->${t}.${tp}`,
    source: { node: s, port: sp },
    target: { node: t, port: tp },
  });
  writeFileSync(
    file,
    JSON.stringify({
      format: 'weft.pipeline',
      version: 2,
      metadata: { name: 'iris mlp' },
      nodes: [
        node('csv', 'data.csv', { path: 'data/iris.csv' }, 0),
        node('split', 'prep.split', { target: 'species', seed: 3 }, 200),
        node('mlp', 'model.mlp', {}, 200),
        node(
          'trainer',
          'train.trainer',
          { epochs: 3, batchSize: 16, lr: 0.01, seed: 11, provider: 'cpu', ...trainer },
          400,
        ),
        node('eval', 'eval.classification', { split: 'test' }, 600),
      ],
      edges: [
        edge('csv', 'table', 'split', 'table'),
        edge('split', 'dataset', 'trainer', 'data'),
        edge('mlp', 'model', 'trainer', 'model'),
        edge('trainer', 'model', 'eval', 'model'),
        edge('split', 'dataset', 'eval', 'data'),
      ],
    }),
  );
  return { ws, file };
}

describe('runs of a real training pipeline (iris, CPU)', () => {
  it('uses node types the registry has', () => {
    for (const t of ['data.csv', 'prep.split', 'model.mlp', 'train.trainer', 'eval.classification'])
      expect(builtinNodes).toHaveProperty([t]);
  });

  it('a rerun reproduces every epoch, the final metrics and the trained weights exactly', async () => {
    const { ws, file } = irisWorkspace({});
    const first = runWeft(['run', file, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const id = (JSON.parse(first.stdout) as { runId: string }).runId;
    const rerun = runWeft(['runs', '--workspace', ws, 'rerun', id, '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const out = JSON.parse(rerun.stdout) as { runId: string; identical: boolean; differences: string[] };
    expect(out.differences).toEqual([]);
    expect(out.identical).toBe(true);
    const store = new RunStore(ws);
    const a = await store.read(id);
    const b = await store.read(out.runId);
    expect(b.rerunOf).toBe(id);
    expect(a.epochs.trainer).toHaveLength(3);
    expect(b.epochs).toEqual(a.epochs);
    expect(Object.keys(a.metrics).some((k) => k.startsWith('eval.'))).toBe(true);
    expect(b.metrics).toEqual(a.metrics);
    expect(a.environment.providers.trainer).toBe('cpu');
    const model = (r: RunRecord) => r.artifacts.find((x) => x.node === 'trainer' && x.kind === 'model');
    expect(model(a)?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(model(b)?.sha256).toBe(model(a)?.sha256);
    expect(readFileSync(path.join(store.runDir(id), model(a)!.path)).byteLength).toBe(model(a)!.bytes);

    writeFileSync(file, readFileSync(file, 'utf8').replace('"lr":0.01', '"lr":0.05'));
    const other = runWeft(['run', file, '--json']);
    expect(other.code, other.stderr).toBe(0);
    const d = diffRuns(a, await store.read((JSON.parse(other.stdout) as { runId: string }).runId));
    expect(d.pipeline.params).toEqual([{ node: 'trainer', path: 'lr', from: 0.01, to: 0.05 }]);
    expect(d.metrics.some((m) => m.key.startsWith('eval.') && m.delta !== undefined)).toBe(true);
    expect(d.metrics.find((m) => m.key === 'trainer.loss')?.delta).not.toBe(0);
  });

  it('a weft run killed with SIGKILL mid-training is listed as interrupted with its epochs', async () => {
    const { ws, file } = irisWorkspace({ epochs: 100_000 });
    const p = spawn(process.execPath, [bin, 'run', file, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => p.on('exit', (_c, signal) => resolve(signal)));
    const store = new RunStore(ws);
    let epochs = 0;
    for (let i = 0; i < 1200 && epochs < 2; i++) {
      await sleep(50);
      const [id] = await store.ids();
      if (!id) continue;
      try {
        epochs = parseRunLog(readFileSync(path.join(store.runDir(id), LOG_FILE), 'utf8')).entries.filter(
          (e) => e.t === 'epoch',
        ).length;
      } catch {
        epochs = 0;
      }
    }
    expect(epochs).toBeGreaterThanOrEqual(2);
    p.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const { runs, problems } = await store.list();
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(1);
    const rec = runs[0];
    expect(rec.status).toBe('interrupted');
    expect(rec.epochs.trainer.length).toBeGreaterThanOrEqual(2);
    expect(toListing(rec).epochs).toBe(rec.epochs.trainer.length);
    expect(rec.nodes.csv.status).toBe('done');
    expect(rec.nodes.trainer).toMatchObject({
      status: 'cancelled',
      error: expect.stringMatching(/^interrupted while running: process \d+ ended/),
    });
    for (const e of rec.epochs.trainer) expect(Number.isFinite(e.metrics.loss)).toBe(true);
  });
});
