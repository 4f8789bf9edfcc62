import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunDiff, RunListing, RunRecord } from '../../../../core/common/runs';
import { RECORD_FILE } from '../../../../core/node/runs/RunStore';
import { runWeft } from '../../../fixtures/runWeft';
import { twoRecordedFitRuns } from '../node/runs/fixtures/fitNodes';

const iris = path.resolve('resources/data/iris.csv');

function splitPipeline(seed: number): string {
  return JSON.stringify({
    format: 'weft.pipeline',
    version: 2,
    metadata: { name: 'iris split', seed: 5 },
    nodes: [
      { id: 'csv', type: 'data.csv', version: 1, params: { path: 'data/iris.csv' }, position: { x: 0, y: 0 } },
      { id: 'split', type: 'prep.split', version: 1, params: { target: 'species', seed }, position: { x: 200, y: 0 } },
    ],
    edges: [{ id: 'e1', source: { node: 'csv', port: 'table' }, target: { node: 'split', port: 'table' } }],
  });
}

describe('weft runs', () => {
  it('list, show, diff and rm over recorded runs, with id prefixes and a corrupt record skipped', async () => {
    const { ws, store, a, b } = await twoRecordedFitRuns('weft-cli-runs-');
    mkdirSync(path.join(store.dir, 'broken'));
    writeFileSync(path.join(store.dir, 'broken', RECORD_FILE), 'not json');

    const list = runWeft(['runs', '--workspace', ws, 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const parsed = JSON.parse(list.stdout) as { runs: RunListing[]; problems: { id: string }[] };
    expect(parsed.runs.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(parsed.problems.map((p) => p.id)).toEqual(['broken']);
    expect(list.stderr).toContain('broken');

    const text = runWeft(['runs', '--workspace', ws, 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(a.id);
    expect(text.stdout).toContain('finished');

    const show = runWeft(['runs', '--workspace', ws, 'show', a.id.slice(0, 5)]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`run ${a.id}  finished`);
    expect(show.stdout).toContain('epochs (fit): 3');
    expect(show.stdout).toContain('provider  cpu');

    const diff = runWeft(['runs', '--workspace', ws, 'diff', a.id, b.id]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('fit.lr: 0.05 → 0.2');
    expect(diff.stdout).toContain('pipeline: same structure');
    expect(diff.stdout).toMatch(/score\.slope: [-\d.e]+ → [-\d.e]+ \([+-]/);
    const diffJson = JSON.parse(runWeft(['runs', '--workspace', ws, 'diff', a.id, b.id, '--json']).stdout) as RunDiff;
    expect(diffJson.pipeline.params).toEqual([{ node: 'fit', path: 'lr', from: 0.05, to: 0.2 }]);
    const slope = diffJson.metrics.find((m) => m.key === 'score.slope')!;
    expect(slope.delta).toBe(b.metrics['score.slope'] - a.metrics['score.slope']);

    const missing = runWeft(['runs', '--workspace', ws, 'show', 'nosuchrun']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);

    const rm = runWeft(['runs', '--workspace', ws, 'rm', a.id.slice(0, 6)]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(`removed ${a.id}`);
    const after = JSON.parse(runWeft(['runs', '--workspace', ws, 'list', '--json']).stdout) as { runs: RunListing[] };
    expect(after.runs.map((r) => r.id)).toEqual([b.id]);
  });

  it('records every weft run, reruns it with the same data, and refuses once the data changed', () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'weft-cli-run-'));
    mkdirSync(path.join(ws, 'data'));
    copyFileSync(iris, path.join(ws, 'data', 'iris.csv'));
    writeFileSync(path.join(ws, 'split.weft.json'), splitPipeline(1));
    const run = runWeft(['run', path.join(ws, 'split.weft.json'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const runId = (JSON.parse(run.stdout) as { runId: string }).runId;
    const show = runWeft(['runs', '--workspace', ws, 'show', runId, '--json']);
    expect(show.code, show.stderr).toBe(0);
    const rec = JSON.parse(show.stdout) as RunRecord;
    expect(rec.status).toBe('finished');
    expect(rec.pipeline.file).toBe(path.join(ws, 'split.weft.json'));
    expect(rec.seed).toBe(5);
    expect(rec.seeds).toEqual({ split: 1 });
    const bytes = readFileSync(iris).byteLength;
    expect(rec.datasets).toEqual([
      expect.objectContaining({
        node: 'csv',
        path: 'data/iris.csv',
        resolved: path.join(ws, 'data', 'iris.csv'),
        fingerprint: expect.stringMatching(new RegExp(`^${bytes}:`)),
      }),
    ]);
    expect(rec.nodes.split.params).toMatchObject({ target: 'species', seed: 1, train: 0.7, stratify: true });

    const rerun = runWeft(['runs', '--workspace', ws, 'rerun', runId.slice(0, 6), '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const again = JSON.parse(rerun.stdout) as { runId: string; rerunOf: string; status: string; identical: boolean };
    expect(again).toMatchObject({ rerunOf: runId, status: 'finished', identical: true });
    const rerunRecord = JSON.parse(
      runWeft(['runs', '--workspace', ws, 'show', again.runId, '--json']).stdout,
    ) as RunRecord;
    expect(rerunRecord.rerunOf).toBe(runId);
    expect(rerunRecord.nodes.split.status).toBe('done');
    expect(rerunRecord.nodes.split.key).toBe(rec.nodes.split.key);

    writeFileSync(path.join(ws, 'data', 'iris.csv'), `${readFileSync(iris, 'utf8')}5.0,3.0,1.5,0.2,setosa\n`);
    const refused = runWeft(['runs', '--workspace', ws, 'rerun', runId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('data changed');
    expect(refused.stderr).toContain(path.join(ws, 'data', 'iris.csv'));
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);

    writeFileSync(path.join(ws, 'split.weft.json'), splitPipeline(2));
    const second = runWeft(['run', path.join(ws, 'split.weft.json'), '--json']);
    const secondId = (JSON.parse(second.stdout) as { runId: string }).runId;
    const diff = runWeft(['runs', '--workspace', ws, 'diff', runId, secondId]);
    expect(diff.stdout).toContain('split.seed: 1 → 2');
    expect(diff.stdout).toContain('csv data/iris.csv:');
  });
});
