import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, type EngineEvent, type PipelineDocument } from '../../../core/common';
import { EngineRequestError, type EngineClient } from '../../../renderer/engine/EngineClient';

export interface ContractTarget {
  client: EngineClient;
  workspace: string;
  transport: 'http' | 'ipc';
}

const irisPipeline = (): PipelineDocument => ({
  format: DOCUMENT_FORMAT,
  version: DOCUMENT_VERSION,
  metadata: {},
  nodes: [
    { id: 'csv', type: 'data.csv', version: 1, params: { path: 'iris.csv' }, position: { x: 0, y: 0 } },
    { id: 'split', type: 'prep.split', version: 1, params: { target: 'species', seed: 7 }, position: { x: 200, y: 0 } },
  ],
  edges: [
    { id: 'csv.table->split.table', source: { node: 'csv', port: 'table' }, target: { node: 'split', port: 'table' } },
  ],
});

export function prepareWorkspace(workspace: string): void {
  copyFileSync(path.resolve(import.meta.dirname, '../../../resources/data/iris.csv'), path.join(workspace, 'iris.csv'));
}

async function rejection(p: Promise<unknown>): Promise<EngineRequestError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EngineRequestError);
    return e as EngineRequestError;
  }
  throw new Error('expected the call to fail');
}

/**
 * What every EngineClient transport must do, end to end against a real engine: the same calls
 * give the same answers, errors keep their status, events stream in order.
 */
export function engineClientContract(target: () => ContractTarget): void {
  it('says which transport it is and which workspace it serves', async () => {
    const t = target();
    const info = await t.client.invoke('host.info', {});
    expect(info.transport).toBe(t.transport);
    expect(path.resolve(info.workspace)).toBe(path.resolve(t.workspace));
  });

  it('lists node types with ports, params and defaults', async () => {
    const nodes = await target().client.invoke('engine.nodes', {});
    const csv = nodes.find((n) => n.type === 'data.csv')!;
    expect(csv.outputs.map((o) => o.name)).toContain('table');
    const split = nodes.find((n) => n.type === 'prep.split')!;
    expect(split.inputs.map((i) => i.name)).toContain('table');
    expect(split.defaults).toMatchObject({ target: '' });
  });

  it('validates: a broken document and a missing input are reported, not thrown', async () => {
    const { client } = target();
    const broken = await client.invoke('engine.validate', { document: { format: 'nope' } });
    expect(broken.ok).toBe(false);
    const doc = irisPipeline();
    doc.edges = [];
    const missing = await client.invoke('engine.validate', { document: doc });
    expect(missing.ok).toBe(false);
    expect(JSON.stringify(missing)).toContain('split');
    expect((await client.invoke('engine.validate', { document: irisPipeline() })).ok).toBe(true);
  });

  it('runs a pipeline, streams its events in order, serves node results, and serves a re-run from cache', async () => {
    const { client } = target();
    const events: EngineEvent[] = [];
    const off = client.onEvent((e) => events.push(e));
    try {
      const run = await client.invoke('engine.run', { document: irisPipeline(), runId: 'contract-1' });
      expect(run.ok).toBe(true);
      if (!run.ok) return;
      expect(run.report.status).toBe('finished');
      await expect.poll(() => events.some((e) => e.type === 'run.finished' && e.runId === 'contract-1')).toBe(true);
      const mine = events
        .filter((e) => e.runId === 'contract-1')
        .map((e) => `${e.type}${'nodeId' in e ? `:${e.nodeId}` : ''}`);
      expect(mine[0]).toBe('run.started');
      expect(mine.at(-1)).toBe('run.finished');
      expect(mine).toContain('node.finished:csv');
      expect(mine.indexOf('node.finished:csv')).toBeLessThan(mine.indexOf('node.finished:split'));

      const view = await client.invoke('engine.result', { nodeId: 'csv', maxRows: 5 });
      expect(view).toMatchObject({ nodeId: 'csv', runId: 'contract-1' });
      expect(view!.outputs.length).toBeGreaterThan(0);
      expect(await client.invoke('engine.result', { nodeId: 'nope' })).toBeNull();

      const again = await client.invoke('engine.run', { document: irisPipeline(), runId: 'contract-2' });
      expect(again.ok && Object.values(again.report.nodes).map((n) => n.status)).toEqual(['cached', 'cached']);
      await expect
        .poll(() => events.filter((e) => e.runId === 'contract-2' && e.type === 'node.cached').length)
        .toBe(2);
    } finally {
      off();
    }
  });

  it('cancels a run: the stopped node and its dependant arrive as node.cancelled, never as node.failed', async () => {
    const { client } = target();
    const doc = irisPipeline();
    doc.nodes.push(
      { id: 'mlp', type: 'model.mlp', version: 1, params: {}, position: { x: 200, y: 200 } },
      { id: 'trainer', type: 'train.trainer', version: 1, params: { epochs: 100_000 }, position: { x: 400, y: 0 } },
      { id: 'eval', type: 'eval.classification', version: 1, params: {}, position: { x: 600, y: 0 } },
    );
    const wire = (source: [string, string], target: [string, string]) => {
      const e = { source: { node: source[0], port: source[1] }, target: { node: target[0], port: target[1] } };
      return { id: `${source.join('.')}->${target.join('.')}`, ...e };
    };
    doc.edges.push(
      wire(['split', 'dataset'], ['trainer', 'data']),
      wire(['mlp', 'model'], ['trainer', 'model']),
      wire(['trainer', 'model'], ['eval', 'model']),
      wire(['split', 'dataset'], ['eval', 'data']),
    );
    const events: EngineEvent[] = [];
    let asked: Promise<{ cancelled: boolean }> | undefined;
    const off = client.onEvent((e) => {
      if (e.runId !== 'contract-cancel') return;
      events.push(e);
      if (e.type === 'epoch.metrics' && !asked) asked = client.invoke('engine.cancel', { runId: 'contract-cancel' });
    });
    try {
      const run = await client.invoke('engine.run', { document: doc, runId: 'contract-cancel', noCache: true });
      expect(await asked).toEqual({ cancelled: true });
      expect(run.ok && run.report.status).toBe('cancelled');
      await expect.poll(() => events.some((e) => e.type === 'run.finished')).toBe(true);
      expect(events.filter((e) => e.type === 'node.failed')).toEqual([]);
      expect(events.filter((e) => e.type === 'node.cancelled')).toEqual([
        { type: 'node.cancelled', runId: 'contract-cancel', nodeId: 'trainer' },
        { type: 'node.cancelled', runId: 'contract-cancel', nodeId: 'eval', upstream: 'trainer' },
      ]);
    } finally {
      off();
    }
  });

  it('cancelling an unknown run says so; an invalid run answers with its validation', async () => {
    const { client } = target();
    expect(await client.invoke('engine.cancel', { runId: 'no-such-run' })).toEqual({ cancelled: false });
    const doc = irisPipeline();
    doc.nodes[0].type = 'data.nothing';
    const r = await client.invoke('engine.run', { document: doc });
    expect(r.ok).toBe(false);
  });

  it('bad params fail with status 400 and name the field', async () => {
    const { client } = target();
    const e = await rejection(client.invoke('engine.cancel', { runId: '' }));
    expect(e.status).toBe(400);
    expect(e.message).toContain('runId');
    const w = await rejection(client.invoke('pipeline.write', { path: 'x.txt', text: '', baseRevision: null }));
    expect(w.status).toBe(400);
  });

  it('saves and reopens a pipeline in the workspace, refusing a stale revision with 409', async () => {
    const { client } = target();
    const text = JSON.stringify(irisPipeline(), null, 2);
    const saved = await client.invoke('pipeline.write', { path: 'iris.weft.json', text, baseRevision: null });
    expect(saved.path).toBe('iris.weft.json');
    const opened = await client.invoke('pipeline.read', { path: 'iris.weft.json' });
    expect(opened).toMatchObject({ path: 'iris.weft.json', text, revision: saved.revision });
    const exists = await rejection(
      client.invoke('pipeline.write', { path: 'iris.weft.json', text, baseRevision: null }),
    );
    expect(exists.status).toBe(409);
    const next = await client.invoke('pipeline.write', {
      path: 'iris.weft.json',
      text: text + '\n',
      baseRevision: saved.revision,
    });
    const stale = await rejection(
      client.invoke('pipeline.write', { path: 'iris.weft.json', text, baseRevision: saved.revision }),
    );
    expect(stale.status).toBe(409);
    expect(next.revision).not.toBe(saved.revision);
    expect(await client.invoke('recent.list', {})).toContain('iris.weft.json');
    const missing = await rejection(client.invoke('pipeline.read', { path: 'missing.weft.json' }));
    expect(missing.status).toBe(404);
  });

  it('lists workspace files and keeps crash-recovery text', async () => {
    const { client } = target();
    const listing = await client.invoke('files.list', { dir: '', extensions: ['.csv'] });
    expect(listing.entries.map((e) => e.name)).toEqual(['iris.csv']);
    await client.invoke('recovery.write', { text: 'draft', path: null });
    expect(await client.invoke('recovery.read', {})).toMatchObject({ text: 'draft', path: null });
    expect(await client.invoke('recovery.clear', {})).toEqual({ cleared: true });
    expect(await client.invoke('recovery.read', {})).toBeNull();
  });
}
