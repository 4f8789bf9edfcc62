import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { EngineService } from '../../../../../core/node/studio/EngineService';
import { HostService } from '../../../../../core/node/studio/HostService';
import { workspacePolicy } from '../../../../../core/node/studio/workspacePaths';

const root = path.resolve(import.meta.dirname, '../../../../..');
const tmp = (prefix: string): string => mkdtempSync(path.join(os.tmpdir(), prefix));

let workspace: string;
let outside: string;
let host: HostService;
let engine: EngineService;

/** The iris example with few epochs, its data path and export path replaced. */
function iris(dataPath: string, exportPath: string): unknown {
  const doc = JSON.parse(readFileSync(path.join(root, 'resources/examples/iris-classification.weft.json'), 'utf8')) as {
    nodes: { type: string; params: Record<string, unknown> }[];
  };
  for (const n of doc.nodes) {
    if (n.type === 'data.csv') n.params.path = dataPath;
    if (n.type === 'export.onnx') n.params.path = exportPath;
    if (n.type === 'train.trainer') n.params.epochs = 2;
  }
  return doc;
}

beforeAll(() => {
  workspace = tmp('weft-confine-ws-');
  outside = tmp('weft-confine-outside-');
  copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(workspace, 'iris.csv'));
  copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(outside, 'iris.csv'));
  writeFileSync(path.join(outside, 'opened.weft.json'), JSON.stringify(iris('iris.csv', 'out/model.onnx')));
  writeFileSync(path.join(outside, 'sibling.weft.json'), '{}');
  mkdirSync(path.join(workspace, 'out'));
  host = new HostService({ workspace, version: 'test' });
  engine = new EngineService({
    engine: createDefaultEngine(workspace),
    workspace,
    documentRoots: () => host.documentRoots(),
    paths: workspacePolicy(workspace, () => host.openedFiles()),
    onEvent: () => {},
  });
});

type Report = { ok: true; report: { nodes: Record<string, { status: string; error?: string }> } };

describe('the studio engine stays in its workspace', () => {
  it('refuses an export path that leaves the workspace, naming the path, and writes nothing there', async () => {
    const target = path.join('..', path.basename(outside), 'model.onnx');
    const r = (await engine.handle('engine.run', { document: iris('iris.csv', target) })) as Report;
    const exp = Object.values(r.report.nodes).find((n) => n.error?.includes('model.onnx'));
    expect(exp?.status).toBe('failed');
    expect(exp?.error).toContain(path.join(outside, 'model.onnx'));
    expect(exp?.error).toMatch(/leaves the workspace/);
    expect(existsSync(path.join(outside, 'model.onnx'))).toBe(false);
    expect(r.report.nodes.train?.status).toBe('done');
  });

  it('refuses a data file outside the workspace and never reads it back through engine.result', async () => {
    const r = (await engine.handle('engine.run', {
      document: iris(path.join(outside, 'iris.csv'), 'out/m.onnx'),
    })) as Report;
    const data = r.report.nodes.csv;
    expect(data?.status).toBe('failed');
    expect(data?.error).toContain(path.join(outside, 'iris.csv'));
    expect(data?.error).toMatch(/outside the workspace/);
    expect(await engine.handle('engine.result', { nodeId: 'csv' })).toBeNull();
  });

  it('lets a typed read open that one file and not its folder', async () => {
    const opened = path.join(outside, 'opened.weft.json');
    await expect(host.handle('pipeline.read', { path: opened, typed: true })).resolves.toMatchObject({ path: opened });
    await expect(host.handle('pipeline.read', { path: path.join(outside, 'sibling.weft.json') })).rejects.toMatchObject(
      {
        status: 403,
      },
    );
    const r = (await engine.handle('engine.run', {
      document: iris('iris.csv', 'out/model.onnx'),
      documentPath: opened,
    })) as Report;
    const failed = Object.values(r.report.nodes).filter((n) => n.status === 'failed');
    expect(failed[0]?.error).toContain(path.join(outside, 'iris.csv'));
    await expect(
      engine.handle('engine.run', {
        document: iris('iris.csv', 'out/model.onnx'),
        documentPath: path.join(outside, 'sibling.weft.json'),
      }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('runs and exports inside the workspace as before', async () => {
    const r = (await engine.handle('engine.run', { document: iris('iris.csv', 'out/model.onnx') })) as Report;
    expect(Object.values(r.report.nodes).every((n) => n.status === 'done' || n.status === 'cached')).toBe(true);
    expect(existsSync(path.join(workspace, 'out/model.onnx'))).toBe(true);
  });
});
