import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ServingService } from '../../../../../core/node/studio/ServingService';
import { StudioError } from '../../../../../core/node/studio/StudioError';
import { writeTritonRepository } from '../../../../../core/node/serving/triton';
import { affine, linearModel, tempDir, writeModel } from '../onnx/onnxFiles';

const workspace = tempDir('weft-serving-ws-');
const outside = tempDir('weft-serving-out-');
mkdirSync(path.join(workspace, 'out'));
const W = [
  [1, -1],
  [0.5, 2],
];
const B = [0.25, -0.5];
writeModel(path.join(workspace, 'out'), 'lin.onnx', linearModel(W, B));
writeFileSync(path.join(workspace, 'out', 'broken.onnx'), 'not an onnx model');
writeModel(outside, 'far.onnx', linearModel(W, B));
mkdirSync(path.join(workspace, 'node_modules'));
writeModel(path.join(workspace, 'node_modules'), 'hidden.onnx', linearModel(W, B));
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const service = new ServingService({ workspace });
afterEach(() => service.closeAll());

async function refusal(p: Promise<unknown>): Promise<StudioError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StudioError);
  return e as StudioError;
}

const infer = (url: string, x: number[]) =>
  fetch(`${url}/v2/models/lin/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: x }] }),
  });

describe('ServingService', () => {
  it('lists .onnx files and model repositories in the workspace, not node_modules', async () => {
    await writeTritonRepository({
      onnxFile: path.join(workspace, 'out', 'lin.onnx'),
      out: path.join(workspace, 'repo'),
    });
    const models = await service.models();
    expect(models).toContainEqual({ path: 'out/lin.onnx', kind: 'onnx' });
    expect(models).toContainEqual({ path: 'repo', kind: 'repository' });
    expect(models.some((m) => m.path.includes('node_modules'))).toBe(false);
  });

  it('starts a server on 127.0.0.1, reports its traffic, and stops it', async () => {
    const view = await service.handle('serving.start', { path: 'out/lin.onnx' });
    expect(view.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(view.models).toEqual(['lin']);
    const ok = await infer(view.url, [1, 2]);
    const body = (await ok.json()) as { outputs: { data: number[] }[] };
    const want = affine([1, 2], W, B);
    body.outputs[0]?.data.forEach((v, i) => expect(v).toBeCloseTo(want[i] ?? NaN, 5));
    await infer(view.url, [1, 2]);
    expect((await infer(view.url, [1])).status).toBe(400);
    const stats = await service.handle('serving.stats', { id: view.id });
    expect(stats.requests).toBe(3);
    expect(stats.errors).toBe(1);
    expect(stats.latency.count).toBe(3);
    expect(stats.features.map((f) => f.feature).sort()).toEqual(['0', '1']);
    expect(stats.features.find((f) => f.feature === '1')?.mean).toBeCloseTo(2, 6);
    expect(await service.handle('serving.list', {})).toHaveLength(1);
    expect(await service.handle('serving.stop', { id: view.id })).toEqual({ stopped: true });
    await expect(fetch(`${view.url}/v2/health/ready`)).rejects.toThrow();
    expect(await service.handle('serving.list', {})).toEqual([]);
    expect((await refusal(service.handle('serving.stats', { id: view.id }))).status).toBe(404);
  });

  it('refuses a second server while one runs', async () => {
    const view = await service.handle('serving.start', { path: 'out/lin.onnx' });
    const e = await refusal(service.handle('serving.start', { path: 'repo' }));
    expect(e.status).toBe(409);
    expect(e.message).toContain(`already running (out/lin.onnx at ${view.url}); stop it`);
  });

  it('lets only one of two simultaneous starts through', async () => {
    const both = await Promise.allSettled([
      service.handle('serving.start', { path: 'out/lin.onnx' }),
      service.handle('serving.start', { path: 'out/lin.onnx' }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = both.find((r) => r.status === 'rejected');
    expect((refused?.reason as StudioError).status).toBe(409);
    expect(await service.handle('serving.list', {})).toHaveLength(1);
  });

  it('says when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const e = await refusal(service.handle('serving.start', { path: 'out/lin.onnx', port }));
      expect(e.status).toBe(409);
      expect(e.message).toBe(`port ${port} on 127.0.0.1 is already in use; choose another port, or 0 for a free one`);
      expect(await service.handle('serving.list', {})).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('refuses a model that does not load, a missing path, and paths outside the workspace', async () => {
    const broken = await refusal(service.handle('serving.start', { path: 'out/broken.onnx' }));
    expect(broken.status).toBe(400);
    expect(broken.message).toMatch(/^cannot serve out\/broken\.onnx: /);
    expect((await refusal(service.handle('serving.start', { path: 'out/none.onnx' }))).message).toMatch(
      /does not exist in the workspace/,
    );
    expect((await refusal(service.handle('serving.start', { path: path.join(outside, 'far.onnx') }))).status).toBe(403);
    expect((await refusal(service.handle('serving.start', { path: '../x.onnx' }))).status).toBe(403);
    expect((await refusal(service.handle('serving.start', { path: 'out' }))).message).toMatch(/not a model repository/);
    expect((await refusal(service.handle('serving.start', { path: 'out/lin.onnx', port: 70000 }))).status).toBe(400);
    expect(await service.handle('serving.list', {})).toEqual([]);
  });

  it('closeAll stops the running server', async () => {
    const view = await service.handle('serving.start', { path: 'repo', batching: true });
    expect((await fetch(`${view.url}/v2/models/lin/ready`)).status).toBe(200);
    await service.closeAll();
    await expect(fetch(`${view.url}/v2/health/ready`)).rejects.toThrow();
  });
});
