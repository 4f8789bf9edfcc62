import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { EngineService } from '../../../../../core/node/studio/EngineService';
import type { StudioError } from '../../../../../core/node/studio/StudioError';
import { workspacePolicy } from '../../../../../core/node/studio/workspacePaths';

const root = path.resolve(import.meta.dirname, '../../../../..');

const doc = {
  format: 'weft.pipeline',
  version: 2,
  metadata: { name: 't' },
  nodes: [
    { id: 'csv', type: 'data.csv', version: 1, params: { path: 'iris.csv' }, position: { x: 0, y: 0 } },
    {
      id: 'split',
      type: 'prep.split',
      version: 1,
      params: { target: 'species', task: 'classification' },
      position: { x: 0, y: 0 },
    },
  ],
  edges: [{ id: 'e', source: { node: 'csv', port: 'table' }, target: { node: 'split', port: 'table' } }],
};

async function ranIris(): Promise<EngineService> {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'weft-data-'));
  copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(ws, 'iris.csv'));
  const s = new EngineService({
    engine: createDefaultEngine(ws),
    workspace: ws,
    paths: workspacePolicy(ws),
    onEvent: () => {},
  });
  const run = await s.handle('engine.run', { document: doc });
  expect(run.ok).toBe(true);
  return s;
}

describe('engine.rows and engine.explore', () => {
  it('pages the whole table sorted and filtered, with source row numbers', async () => {
    const s = await ranIris();
    const all = await s.handle('engine.rows', { nodeId: 'csv', port: 'table', offset: 148, limit: 10 });
    expect(all).toMatchObject({ rowCount: 150, total: 150, offset: 148, rowNumbers: [149, 150] });
    expect(all.rows[1]).toEqual([5.9, 3, 5.1, 1.8, 'virginica']);
    const big = await s.handle('engine.rows', {
      nodeId: 'csv',
      port: 'table',
      offset: 0,
      limit: 3,
      sort: { column: 'petal_length', descending: true },
      filters: [{ column: 'species', text: 'virg' }],
    });
    expect(big.total).toBe(50);
    expect(big.rows.map((r) => r[2])).toEqual([6.9, 6.7, 6.7]);
    expect(big.rowNumbers).toEqual([119, 118, 123]);
  });

  it('explores a dataset split coloured by its classes', async () => {
    const s = await ranIris();
    const v = await s.handle('engine.explore', { nodeId: 'split', port: 'dataset', split: 'train' });
    expect(v.classColumn).toBe('species');
    expect(v.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(v.pca.ok).toBe(true);
    expect(v.points.columns.map((c) => c.name)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  });

  it('refuses bad params, unknown columns, missing splits and nodes that have not run', async () => {
    const s = await ranIris();
    const refuse = (channel: 'engine.rows' | 'engine.explore', params: unknown) =>
      s.handle(channel, params as never).then(
        () => undefined,
        (e: unknown) => e as StudioError,
      );
    expect(await refuse('engine.rows', { nodeId: 'csv', port: 'table', offset: 0, limit: 5000 })).toMatchObject({
      status: 400,
      message: expect.stringContaining('limit'),
    });
    expect(await refuse('engine.rows', { nodeId: 'csv', port: 'table', offset: 0, limit: 5, extra: 1 })).toMatchObject({
      status: 400,
    });
    expect(
      await refuse('engine.rows', { nodeId: 'csv', port: 'table', offset: 0, limit: 5, sort: { column: 'petals' } }),
    ).toMatchObject({ status: 400, message: expect.stringContaining('no column "petals"') });
    expect(
      await refuse('engine.rows', {
        nodeId: 'csv',
        port: 'table',
        offset: 0,
        limit: 5,
        filters: [{ column: 'sepal_width', text: '>wide' }],
      }),
    ).toMatchObject({ status: 400, message: expect.stringContaining('not a number') });
    expect(await refuse('engine.explore', { nodeId: 'split', port: 'dataset', split: 'holdout' })).toMatchObject({
      status: 400,
    });
    expect(await refuse('engine.explore', { nodeId: 'nope', port: 'table' })).toMatchObject({ status: 404 });
    expect(await refuse('engine.explore', { nodeId: 'csv', port: 'table', classColumn: 'genus' })).toMatchObject({
      status: 400,
      message: expect.stringContaining('genus'),
    });
  });
});
