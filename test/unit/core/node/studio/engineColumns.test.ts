import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { EngineService } from '../../../../../core/node/studio/EngineService';
import { workspacePolicy } from '../../../../../core/node/studio/workspacePaths';

const root = path.resolve(import.meta.dirname, '../../../../..');

function service(workspace: string): EngineService {
  return new EngineService({
    engine: createDefaultEngine(workspace),
    workspace,
    paths: workspacePolicy(workspace),
    onEvent: () => {},
  });
}

const doc = (csvPath: string) => ({
  format: 'weft.pipeline',
  version: 2,
  metadata: { name: 't' },
  nodes: [
    { id: 'csv', type: 'data.csv', version: 1, params: { path: csvPath }, position: { x: 0, y: 0 } },
    { id: 'split', type: 'prep.split', version: 1, params: {}, position: { x: 0, y: 0 } },
  ],
  edges: [{ id: 'e', source: { node: 'csv', port: 'table' }, target: { node: 'split', port: 'table' } }],
});

describe('engine.columns', () => {
  it('lists the input table columns with types and missing counts counted by hand', async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'weft-cols-'));
    writeFileSync(path.join(ws, 'small.csv'), 'a,b,c\n1.5,x,\n2,,3\n,y,4\n5,x,6\n');
    const got = await service(ws).handle('engine.columns', { document: doc('small.csv'), nodeId: 'split' });
    expect(got).toEqual({
      ok: true,
      columns: [
        { name: 'a', type: 'number', count: 3, missing: 1 },
        { name: 'b', type: 'category', count: 3, missing: 1 },
        { name: 'c', type: 'integer', count: 3, missing: 1 },
      ],
    });
  });

  it('says why when nothing is connected or the file is missing', async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'weft-cols-'));
    copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(ws, 'iris.csv'));
    const s = service(ws);
    const lone = { ...doc('iris.csv'), edges: [] };
    const a = await s.handle('engine.columns', { document: lone, nodeId: 'split' });
    expect(a).toEqual({ ok: false, reason: expect.stringContaining('connect a table') });
    const b = await s.handle('engine.columns', { document: doc('nope.csv'), nodeId: 'split' });
    expect(b.ok).toBe(false);
    const c = await s.handle('engine.columns', { document: doc('iris.csv'), nodeId: 'split' });
    expect(c.ok && c.columns.map((x) => x.name)).toEqual([
      'sepal_length',
      'sepal_width',
      'petal_length',
      'petal_width',
      'species',
    ]);
  });
});

describe('engine.columnsBatch', () => {
  it('answers each node as engine.columns does, in order, running a shared upstream node once', async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'weft-cols-'));
    writeFileSync(path.join(ws, 'small.csv'), 'a,b,c\n1.5,x,\n2,,3\n,y,4\n5,x,6\n');
    const engine = createDefaultEngine(ws);
    const runs: (string | undefined)[] = [];
    const run = engine.run.bind(engine);
    engine.run = (d, o) => {
      runs.push(o?.only);
      return run(d, o);
    };
    const s = new EngineService({ engine, workspace: ws, paths: workspacePolicy(ws), onEvent: () => {} });
    const base = doc('small.csv');
    const split = (id: string) => ({ ...base.nodes[1], id });
    const wide = {
      ...base,
      nodes: [...base.nodes, split('split2'), split('lone')],
      edges: [
        ...base.edges,
        { id: 'e2', source: { node: 'csv', port: 'table' }, target: { node: 'split2', port: 'table' } },
      ],
    };
    const got = await s.handle('engine.columnsBatch', {
      document: wide,
      nodeIds: ['split', 'lone', 'split2', 'ghost'],
    });
    const small = {
      ok: true,
      columns: [
        { name: 'a', type: 'number', count: 3, missing: 1 },
        { name: 'b', type: 'category', count: 3, missing: 1 },
        { name: 'c', type: 'integer', count: 3, missing: 1 },
      ],
    };
    expect(got).toEqual([
      small,
      { ok: false, reason: expect.stringContaining('connect a table') },
      small,
      { ok: false, reason: 'no node ghost' },
    ]);
    expect(runs).toEqual(['csv']);
    const missing = await s.handle('engine.columnsBatch', { document: doc('nope.csv'), nodeIds: ['split'] });
    expect(missing[0].ok).toBe(false);
  });

  it('refuses an empty list of nodes', async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'weft-cols-'));
    await expect(service(ws).handle('engine.columnsBatch', { document: doc('a.csv'), nodeIds: [] })).rejects.toThrow(
      /nodeIds/,
    );
  });
});
