import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeResultView, OutputView } from '../../../../../core/common';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { RunStore } from '../../../../../core/node/runs/RunStore';
import { EngineService } from '../../../../../core/node/studio/EngineService';
import { StudioError } from '../../../../../core/node/studio/StudioError';
import { workspacePolicy } from '../../../../../core/node/studio/workspacePaths';

const root = path.resolve(import.meta.dirname, '../../../../..');

/** The iris example without its export, trained for a few epochs with the given learning rate. */
function iris(lr: number): unknown {
  const doc = JSON.parse(readFileSync(path.join(root, 'resources/examples/iris-classification.weft.json'), 'utf8')) as {
    nodes: { id: string; type: string; params: Record<string, unknown> }[];
    edges: { target: { node: string } }[];
  };
  doc.nodes = doc.nodes.filter((n) => n.type !== 'export.onnx');
  doc.edges = doc.edges.filter((e) => e.target.node !== 'export');
  for (const n of doc.nodes) {
    if (n.type === 'data.csv') n.params.path = 'iris.csv';
    if (n.type === 'train.trainer') Object.assign(n.params, { epochs: 3, lr, provider: 'cpu' });
  }
  return doc;
}

function service(workspace: string, persist?: 'expensive' | 'measured'): EngineService {
  return new EngineService({
    engine: createDefaultEngine(workspace, persist ? { persist } : {}),
    workspace,
    paths: workspacePolicy(workspace),
    onEvent: () => {},
  });
}

/** A live view as a past run shows it: its full-table views name the recorded run they page. */
const ofRun = (v: NodeResultView, run: string): NodeResultView => ({
  ...v,
  runId: run,
  outputs: v.outputs.map((o): OutputView =>
    o.kind === 'preview'
      ? { ...o, previews: o.previews.map((p) => (p.data ? { ...p, data: { ...p.data, run } } : p)) }
      : o,
  ),
});

const rowsQuery = { port: 'dataset', split: 'test', offset: 0, limit: 10, sort: { column: 'petal_length' } };
const exploreQuery = { port: 'dataset', split: 'train', standardize: true };

let workspace: string;
/** What the studio showed right after the first run, per node. */
const firstViews: Record<string, NodeResultView> = {};
let firstRows: unknown;
let firstExplore: unknown;
const secondMetrics: Record<string, number> = {};

beforeAll(async () => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'weft-past-'));
  copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(workspace, 'iris.csv'));
  const live = service(workspace);
  const a = await live.handle('engine.run', { document: iris(0.01), runId: 'run-a' });
  expect(a.ok && a.report.status).toBe('finished');
  for (const id of ['csv', 'split', 'scale', 'train', 'metrics']) {
    const view = await live.handle('engine.result', { nodeId: id });
    expect(view).not.toBeNull();
    firstViews[id] = view!;
  }
  firstRows = await live.handle('engine.rows', { nodeId: 'scale', ...rowsQuery });
  firstExplore = await live.handle('engine.explore', { nodeId: 'scale', ...exploreQuery });
  const b = await live.handle('engine.run', { document: iris(0.2), runId: 'run-b' });
  expect(b.ok && b.report.status).toBe('finished');
  Object.assign(secondMetrics, (await live.handle('engine.result', { nodeId: 'metrics' }))?.summary?.metrics);
}, 120_000);

describe('engine.runResult: a past run’s results, from the cache by the record’s node keys', () => {
  it('shows the first run’s results after a second, different run, in a new process, as they were shown live', async () => {
    const fresh = service(workspace);
    const now = await fresh.handle('engine.result', { nodeId: 'metrics' });
    expect(now).toBeNull();
    for (const [id, live] of Object.entries(firstViews)) {
      const past = await fresh.handle('engine.runResult', { runId: 'run-a', nodeId: id });
      expect(past, id).toEqual(ofRun(live, 'run-a'));
    }
    const metrics = (await fresh.handle('engine.runResult', { runId: 'run-a', nodeId: 'metrics' }))!;
    expect(metrics.summary?.metrics?.accuracy).not.toBe(secondMetrics.accuracy);
    const out = metrics.outputs.find((o) => o.kind === 'metrics');
    const split = firstViews.split?.outputs.find((o) => o.kind === 'preview');
    const testRows = split?.kind === 'preview' ? split.previews.find((p) => p.title === 'test split')?.rowCount : 0;
    expect(testRows).toBeGreaterThan(0);
    expect(out?.kind === 'metrics' && out.metrics.confusion?.flat().reduce((s, x) => s + x, 0)).toBe(testRows);
  });

  it('pages and explores a past run’s kept tables as they were, and refuses when no run produced them', async () => {
    const fresh = service(workspace);
    await expect(fresh.handle('engine.rows', { nodeId: 'scale', ...rowsQuery })).rejects.toMatchObject({
      status: 404,
    });
    expect(await fresh.handle('engine.rows', { run: 'run-a', nodeId: 'scale', ...rowsQuery })).toEqual(firstRows);
    expect(await fresh.handle('engine.explore', { run: 'run-a', nodeId: 'scale', ...exploreQuery })).toEqual(
      firstExplore,
    );
    await expect(fresh.handle('engine.rows', { run: 'run-a', nodeId: 'nope', ...rowsQuery })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      fresh.handle('engine.rows', { run: 'no-such-run', nodeId: 'scale', ...rowsQuery }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('shows the second run’s own results for its id', async () => {
    const view = await service(workspace).handle('engine.runResult', { runId: 'run-b', nodeId: 'metrics' });
    expect(view?.runId).toBe('run-b');
    expect(view?.summary?.metrics?.accuracy).toBe(secondMetrics.accuracy);
  });

  it('says a value was not kept, with the recorded summary, when its cache entry is gone', async () => {
    const record = await new RunStore(workspace).read('run-a');
    const key = record.nodes.metrics?.key;
    expect(key).toMatch(/^[0-9a-f]+$/);
    const cache = path.join(workspace, '.weft', 'cache');
    rmSync(path.join(cache, `${key}.bin`));
    rmSync(path.join(cache, `${key}.json`));
    const view = await service(workspace).handle('engine.runResult', { runId: 'run-a', nodeId: 'metrics' });
    expect(view?.outputs).toEqual([]);
    expect(view?.notKept).toMatch(/not kept.*run again to see it/);
    expect(view?.summary?.metrics).toEqual(record.nodes.metrics?.summary?.metrics);
    expect(view?.summary?.metrics?.accuracy).toBe(firstViews.metrics?.summary?.metrics?.accuracy);
  });

  it('says a cheap value was not kept when the engine stores only expensive results', async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'weft-past-expensive-'));
    copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(ws, 'iris.csv'));
    const r = await service(ws, 'expensive').handle('engine.run', { document: iris(0.05), runId: 'only-models' });
    expect(r.ok && r.report.status).toBe('finished');
    const fresh = service(ws, 'expensive');
    const csv = await fresh.handle('engine.runResult', { runId: 'only-models', nodeId: 'csv' });
    expect(csv?.notKept).toMatch(/run again/);
    expect(csv?.outputs).toEqual([]);
    const train = await fresh.handle('engine.runResult', { runId: 'only-models', nodeId: 'train' });
    expect(train?.notKept).toBeUndefined();
    expect(train?.outputs.map((o) => o.kind)).toContain('model');
  }, 60_000);

  it('returns null for a node the run did not finish, and refuses unknown runs and bad params', async () => {
    const s = service(workspace);
    expect(await s.handle('engine.runResult', { runId: 'run-a', nodeId: 'nope' })).toBeNull();
    const missing = s.handle('engine.runResult', { runId: 'no-such-run', nodeId: 'metrics' });
    await expect(missing).rejects.toBeInstanceOf(StudioError);
    await expect(missing).rejects.toMatchObject({ status: 404 });
    for (const bad of [
      { runId: 'Run A', nodeId: 'metrics' },
      { runId: 'run-a' },
      { runId: 'run-a', nodeId: 'metrics', extra: 1 },
      { runId: 'run-a', nodeId: 'metrics', maxRows: 0 },
    ])
      await expect(s.handle('engine.runResult', bad)).rejects.toMatchObject({ status: 400 });
  });
});
