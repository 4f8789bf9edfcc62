import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../../../core/node/runs/RunStore';
import { runWeft } from '../../../fixtures/runWeft';

const bin = path.resolve('bin/weft.js');
const node = (id: string, type: string, params: Record<string, unknown>) => ({
  id,
  type,
  version: 1,
  params,
  position: { x: 0, y: 0 },
});
const edge = (s: string, sp: string, t: string, tp: string) => ({
  id: `${s}.${sp}->${t}.${tp}`,
  source: { node: s, port: sp },
  target: { node: t, port: tp },
});

/** An iris MLP searched over 6 learning rates, 40 epochs each, so a kill lands mid-search. */
function searchFile(): { ws: string; file: string } {
  const ws = mkdtempSync(path.join(tmpdir(), 'weft-search-kill-'));
  mkdirSync(path.join(ws, 'data'));
  copyFileSync(path.resolve('resources/data/iris.csv'), path.join(ws, 'data', 'iris.csv'));
  const file = path.join(ws, 'search.weft.json');
  writeFileSync(
    file,
    JSON.stringify({
      format: 'weft.pipeline',
      version: 2,
      metadata: { name: 'kill me' },
      nodes: [
        node('csv', 'data.csv', { path: 'data/iris.csv' }),
        node('split', 'prep.split', { target: 'species', train: 0.5, validation: 0.25, test: 0.25, seed: 5 }),
        node('mlp', 'model.mlp', { hidden: [8] }),
        node('train', 'train.trainer', { epochs: 40, batchSize: 8, lr: 0.003, seed: 3, provider: 'cpu', threads: 1 }),
        node('eval_val', 'eval.classification', { split: 'validation', topK: [] }),
        node('search', 'tune.search', {
          dimensions: [
            { node: 'train', param: 'lr', type: 'choice', choices: [0.05, 0.02, 0.01, 0.005, 0.001, 0.0005] },
          ],
          algorithm: 'grid',
          trials: 6,
        }),
      ],
      edges: [
        edge('csv', 'table', 'split', 'table'),
        edge('split', 'dataset', 'train', 'data'),
        edge('mlp', 'model', 'train', 'model'),
        edge('train', 'model', 'eval_val', 'model'),
        edge('split', 'dataset', 'eval_val', 'data'),
        edge('eval_val', 'metrics', 'search', 'metrics'),
        edge('train', 'model', 'search', 'model'),
      ],
    }),
  );
  return { ws, file };
}

describe('weft run with a search', () => {
  it('resumes after SIGKILL without running the trials that had finished', async () => {
    const { ws, file } = searchFile();
    const p = spawn(process.execPath, [bin, 'run', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => p.on('exit', (_c, signal) => resolve(signal)));
    let stderr = '';
    await new Promise<void>((resolve) => {
      p.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if ((stderr.match(/search trial \d\/6 \[lr=[^\]]*\] finished/g) ?? []).length >= 2) {
          p.kill('SIGKILL');
          resolve();
        }
      });
      p.on('exit', () => resolve());
    });
    expect(await exited).toBe('SIGKILL');
    const store = new RunStore(ws);
    const before = (await store.list()).runs;
    const killed = before.find((r) => !r.parent);
    const finishedBefore = before.filter((r) => r.parent === killed?.id && r.status === 'finished');
    expect(killed?.status).toBe('interrupted');
    expect(finishedBefore.length).toBeGreaterThanOrEqual(2);

    const again = runWeft(['run', file, '--json'], { timeoutMs: 180_000 });
    expect(again.code).toBe(0);
    const out = JSON.parse(again.stdout) as { runId: string; trials: { search: { trial: number; runId?: string }[] } };
    expect(out.trials.search.map((t) => t.trial)).toEqual([0, 1, 2, 3, 4, 5]);
    const after = (await store.list()).runs.filter((r) => r.parent === out.runId);
    const rerun = new Set(after.map((r) => r.trial?.index));
    for (const f of finishedBefore) expect(rerun.has(f.trial?.index)).toBe(false);
    expect(after.length + finishedBefore.length).toBeGreaterThanOrEqual(6);
  }, 300_000);
});
