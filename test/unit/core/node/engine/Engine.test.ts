import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../../core/common';
import { Engine } from '../../../../../core/node/engine/Engine';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { createStubLog, stubExecutors, stubNodes, type StubLog } from '../../../../fixtures/stubNodes';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function setup(opts: { cacheDir?: string; concurrency?: number } = {}): { engine: Engine; log: StubLog } {
  const log = createStubLog();
  const engine = new Engine({ registry: stubNodes, executors: stubExecutors(log), ...opts });
  return { engine, log };
}

const chain = (bias = 0, value = 1) =>
  pipeline(
    [
      { id: 'c1', type: 'test.constant', params: { value } },
      { id: 'c2', type: 'test.constant', params: { value: 10 } },
      { id: 'add', type: 'test.add', params: { bias } },
      { id: 'count', type: 'test.counter' },
      { id: 'side', type: 'test.counter' },
    ],
    ['c1.out->add.a', 'c2.out->add.b', 'add.out->count.in', 'c2.out->side.in'],
  );

async function ok(engine: Engine, doc: ReturnType<typeof pipeline>, opts: Parameters<Engine['run']>[1] = {}) {
  const r = await engine.run(doc, opts);
  if (!r.ok) throw new Error(`invalid: ${JSON.stringify(r.validation.errors)}`);
  return r;
}

describe('Engine', () => {
  it('runs nodes in dependency order and passes values along', async () => {
    const { engine, log } = setup({ concurrency: 1 });
    const r = await ok(engine, chain(5));
    expect(r.report.status).toBe('finished');
    expect(r.outputs.get('count')?.outputs.out).toBe(16);
    expect(log.started.indexOf('add')).toBeGreaterThan(log.started.indexOf('c1'));
    expect(log.started.indexOf('add')).toBeGreaterThan(log.started.indexOf('c2'));
    expect(log.started.indexOf('count')).toBeGreaterThan(log.started.indexOf('add'));
  });

  it('serves every node from cache on an identical second run', async () => {
    const { engine, log } = setup();
    await ok(engine, chain());
    const r = await ok(engine, chain());
    expect(Object.values(r.report.nodes).every((n) => n.cached && n.status === 'cached')).toBe(true);
    expect([...log.calls.values()].every((c) => c === 1)).toBe(true);
  });

  it('re-runs only the changed node and its dependants', async () => {
    const { engine, log } = setup();
    await ok(engine, chain(0));
    const r = await ok(engine, chain(1));
    expect(r.report.nodes.add?.cached).toBe(false);
    expect(r.report.nodes.count?.cached).toBe(false);
    for (const id of ['c1', 'c2', 'side']) expect(r.report.nodes[id]?.cached).toBe(true);
    expect(log.calls.get('add')).toBe(2);
    expect(log.calls.get('side')).toBe(1);
    expect(r.outputs.get('count')?.outputs.out).toBe(12);
  });

  it('re-runs dependants after an upstream change', async () => {
    const { engine, log } = setup();
    await ok(engine, chain(0, 1));
    await ok(engine, chain(0, 2));
    expect(log.calls.get('c1')).toBe(2);
    expect(log.calls.get('add')).toBe(2);
    expect(log.calls.get('count')).toBe(2);
    expect(log.calls.get('c2')).toBe(1);
  });

  it('ignores the cache with noCache', async () => {
    const { engine, log } = setup();
    await ok(engine, chain());
    await ok(engine, chain(), { noCache: true });
    expect(log.calls.get('c1')).toBe(2);
  });

  it('runs only a node and its ancestors with `only`', async () => {
    const { engine, log } = setup();
    const r = await ok(engine, chain(), { only: 'add' });
    expect(Object.keys(r.report.nodes).sort()).toEqual(['add', 'c1', 'c2']);
    expect(log.calls.has('side')).toBe(false);
  });

  it('fails a failing node and its dependants, and runs the rest', async () => {
    const { engine } = setup();
    const doc = pipeline(
      [
        { id: 'c', type: 'test.constant', params: { value: 1 } },
        { id: 'bad', type: 'test.fail', params: { message: 'kaput' } },
        { id: 'after', type: 'test.counter' },
        { id: 'after2', type: 'test.counter' },
        { id: 'fine', type: 'test.counter' },
      ],
      ['c.out->bad.in', 'bad.out->after.in', 'after.out->after2.in', 'c.out->fine.in'],
    );
    const events: EngineEvent[] = [];
    const r = await ok(engine, doc, { onEvent: (e) => events.push(e) });
    expect(r.report.status).toBe('failed');
    expect(r.report.nodes.bad).toMatchObject({ status: 'failed', error: 'kaput' });
    expect(r.report.nodes.after?.status).toBe('failed');
    expect(r.report.nodes.after2?.status).toBe('failed');
    expect(r.report.nodes.fine?.status).toBe('done');
    const failed = events.filter((e) => e.type === 'node.failed');
    expect(failed.find((e) => e.nodeId === 'after')).toMatchObject({ upstream: 'bad' });
  });

  it('cancels mid-run: the running node stops and later nodes do not start', async () => {
    const { engine, log } = setup();
    const doc = pipeline(
      [
        { id: 'c', type: 'test.constant', params: { value: 1 } },
        { id: 'slow', type: 'test.delay', params: { ms: 5000 } },
        { id: 'after', type: 'test.counter' },
      ],
      ['c.out->slow.in', 'slow.out->after.in'],
    );
    const events: EngineEvent[] = [];
    const started = Date.now();
    const running = engine.run(doc, {
      runId: 'r1',
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'node.progress' && e.nodeId === 'slow') engine.cancel('r1');
      },
    });
    const r = await running;
    if (!r.ok) throw new Error('invalid');
    expect(r.report.status).toBe('cancelled');
    expect(r.report.nodes.slow?.status).toBe('cancelled');
    expect(r.report.nodes.after?.status).toBe('cancelled');
    expect(log.calls.has('after')).toBe(false);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'cancelled' });
    const ends = events.filter((e) => e.type === 'node.cancelled' || e.type === 'node.failed');
    expect(ends).toEqual([
      { type: 'node.cancelled', runId: 'r1', nodeId: 'slow' },
      { type: 'node.cancelled', runId: 'r1', nodeId: 'after', upstream: 'slow' },
    ]);
    expect(r.report.nodes.after?.error).toBe('not run: upstream node slow cancelled');
  });

  it('reports nodes that had not started when the run was cancelled as cancelled, each exactly once', async () => {
    const { engine, log } = setup({ concurrency: 1 });
    const doc = pipeline(
      [
        { id: 'c', type: 'test.constant', params: { value: 1 } },
        { id: 'slow', type: 'test.delay', params: { ms: 5000 } },
        { id: 'side', type: 'test.counter' },
        { id: 'side2', type: 'test.counter' },
      ],
      ['c.out->slow.in', 'c.out->side.in', 'side.out->side2.in'],
    );
    const events: EngineEvent[] = [];
    const r = await engine.run(doc, {
      runId: 'r2',
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'node.progress' && e.nodeId === 'slow') engine.cancel('r2');
      },
    });
    if (!r.ok) throw new Error('invalid');
    expect(log.calls.has('side')).toBe(false);
    const ended = events.flatMap((e) =>
      e.type === 'node.cancelled' || e.type === 'node.finished' || e.type === 'node.cached' || e.type === 'node.failed'
        ? [`${e.type} ${e.nodeId}`]
        : [],
    );
    expect(ended.sort()).toEqual([
      'node.cancelled side',
      'node.cancelled side2',
      'node.cancelled slow',
      'node.finished c',
    ]);
    expect(
      Object.entries(r.report.nodes)
        .map(([id, n]) => `${id}:${n.status}`)
        .sort(),
    ).toEqual(['c:done', 'side2:cancelled', 'side:cancelled', 'slow:cancelled']);
  });

  it('runs independent branches concurrently', async () => {
    const { engine, log } = setup({ concurrency: 2 });
    const doc = pipeline(
      [
        { id: 'c', type: 'test.constant', params: { value: 1 } },
        { id: 'left', type: 'test.delay', params: { ms: 150 } },
        { id: 'right', type: 'test.delay', params: { ms: 150 } },
      ],
      ['c.out->left.in', 'c.out->right.in'],
    );
    await ok(engine, doc);
    expect(log.maxActive).toBe(2);
  });

  it('emits the typed event sequence', async () => {
    const { engine } = setup();
    const events: EngineEvent[] = [];
    await ok(engine, chain(), { onEvent: (e) => events.push(e) });
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)?.type).toBe('run.finished');
    const addEvents = events.filter((e) => 'nodeId' in e && e.nodeId === 'add').map((e) => e.type);
    expect(addEvents).toEqual(['node.started', 'node.finished']);
  });

  it('keeps expensive outputs in a disk cache that a new engine reads', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'weft-cache-'));
    dirs.push(cacheDir);
    const expensive = { ...stubNodes, 'test.counter': { ...stubNodes['test.counter'], expensive: true } };
    const doc = pipeline(
      [
        { id: 'c', type: 'test.constant', params: { value: 3 } },
        { id: 'model', type: 'test.counter' },
      ],
      ['c.out->model.in'],
    );
    const log1 = createStubLog();
    await ok(new Engine({ registry: expensive, executors: stubExecutors(log1), cacheDir }), doc);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const log2 = createStubLog();
    const r = await ok(new Engine({ registry: expensive, executors: stubExecutors(log2), cacheDir }), doc);
    expect(r.report.nodes.model?.cached).toBe(true);
    expect(r.outputs.has('model')).toBe(false);
    expect((await r.load('model'))?.outputs.out).toBe(3);
    expect(log2.calls.has('model')).toBe(false);
    expect(log2.calls.get('c')).toBe(1);
  });

  it("with persist 'all', a new engine (a new CLI process) finds every node cached", async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'weft-cache-'));
    dirs.push(cacheDir);
    const log1 = createStubLog();
    await ok(new Engine({ registry: stubNodes, executors: stubExecutors(log1), cacheDir, persist: 'all' }), chain(2));
    const log2 = createStubLog();
    const second = new Engine({ registry: stubNodes, executors: stubExecutors(log2), cacheDir, persist: 'all' });
    const r = await ok(second, chain(2));
    expect(Object.values(r.report.nodes).every((n) => n.status === 'cached')).toBe(true);
    expect(r.report.nodes.add?.summary).toEqual({ metrics: { sum: 13 } });
    expect(log2.started).toEqual([]);
    const third = await ok(second, chain(3));
    expect(log2.started.sort()).toEqual(['add', 'count']);
    expect(third.outputs.get('count')?.outputs.out).toBe(14);
  });

  it('re-runs every node cached by another Weft version, and finds them cached again under it', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'weft-cache-'));
    dirs.push(cacheDir);
    const engine = (weftVersion: string, log: StubLog): Engine =>
      new Engine({ registry: stubNodes, executors: stubExecutors(log), cacheDir, persist: 'all', weftVersion });
    await ok(engine('0.1.0', createStubLog()), chain(2));
    const same = createStubLog();
    await ok(engine('0.1.0', same), chain(2));
    expect(same.started).toEqual([]);

    const bumped = createStubLog();
    const r = await ok(engine('0.2.0', bumped), chain(2));
    expect(Object.values(r.report.nodes).every((n) => n.status === 'done' && !n.cached)).toBe(true);
    expect(bumped.started.sort()).toEqual(['add', 'c1', 'c2', 'count', 'side']);
    expect(r.outputs.get('count')?.outputs.out).toBe(13);

    const again = createStubLog();
    await ok(engine('0.2.0', again), chain(2));
    expect(again.started).toEqual([]);
    const back = createStubLog();
    await ok(engine('0.1.0', back), chain(2));
    expect(back.started).toEqual([]);
  });

  it('refuses an invalid document without running anything', async () => {
    const { engine, log } = setup();
    const r = await engine.run(pipeline([{ id: 'a', type: 'test.add' }]));
    expect(r.ok).toBe(false);
    expect(log.started).toEqual([]);
  });
});
