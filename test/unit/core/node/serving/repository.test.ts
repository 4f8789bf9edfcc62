import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { startRepositoryServer, type Server } from '../../../../../core/node/serving/modelServer';
import { writeTritonRepository } from '../../../../../core/node/serving/triton';
import { affine, linearModel, softmax, tempDir } from '../onnx/onnxFiles';

const dir = tempDir('weft-repo-');
const repo = path.join(dir, 'repo');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Version v of the classifier: W scaled by v, so each version answers differently. */
const W = (v: number): number[][] => [
  [v, -1, 0],
  [0.5, 2 * v, -1],
];
const B = [0.25, -0.5, 0];
const bytes = (v: number): Uint8Array => encodeModelData(linearModel(W(v), B, { softmax: true }));
const putVersion = (model: string, v: number, content: Uint8Array | string): void => {
  mkdirSync(path.join(repo, model, String(v)), { recursive: true });
  writeFileSync(path.join(repo, model, String(v), 'model.onnx'), content);
};

interface Reply {
  error: string;
  model_name: string;
  model_version: string;
  versions: string[];
  outputs: { data: number[] }[];
}

async function call(
  server: Server,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; json: Reply }> {
  const res = await fetch(`${server.url}${route}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Reply };
}

const x = [1, 2];
const request = { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: x }] };
const expectVersion = (r: { status: number; json: Reply }, v: number): void => {
  expect(r.status).toBe(200);
  expect(r.json.model_version).toBe(String(v));
  softmax(affine(x, W(v), B)).forEach((p, i) => expect(r.json.outputs[0].data[i]).toBeCloseTo(p, 6));
};

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('weft serve <repository>', () => {
  let server: Server;
  const log: string[] = [];
  beforeAll(async () => {
    const clfV1 = path.join(dir, 'clf.onnx');
    writeFileSync(clfV1, bytes(1));
    await writeTritonRepository({ onnxFile: clfV1, out: repo });
    const cfg = path.join(repo, 'clf', 'config.pbtxt');
    writeFileSync(cfg, `${readFileSync(cfg, 'utf8')}version_policy: { all: { } }\n`);
    putVersion('clf', 2, bytes(2));
    putVersion('latest', 1, bytes(1));
    putVersion('latest', 2, bytes(2));
    putVersion('broken', 1, 'this is not an ONNX file');
    putVersion('conflict', 1, bytes(1));
    writeFileSync(path.join(repo, 'conflict', 'config.pbtxt'), 'version_policy: { all { } }\n');
    writeFileSync(path.join(repo, 'conflict', 'weft.json'), JSON.stringify({ versionPolicy: { latest: 2 } }));
    server = await startRepositoryServer({
      repository: repo,
      port: 0,
      provider: 'cpu',
      pollMs: 100,
      log: (m) => log.push(m),
    });
  });
  afterAll(() => server.close());

  it('serves both versions of an exported repository; the unversioned route goes to the latest', async () => {
    expectVersion(await call(server, 'POST', '/v2/models/clf/versions/1/infer', request), 1);
    expectVersion(await call(server, 'POST', '/v2/models/clf/versions/2/infer', request), 2);
    expectVersion(await call(server, 'POST', '/v2/models/clf/infer', request), 2);
    expect((await call(server, 'GET', '/v2/models/clf')).json.versions).toEqual(['1', '2']);
    expect((await call(server, 'GET', '/v2/models/clf/versions/1/ready')).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/weft_model_requests_total\{model="clf",version="2",status="200"\} 2\n/);
    expect(metrics).toMatch(/weft_model_requests_total\{model="clf",version="1",status="200"\} 1\n/);
    expect(metrics).toMatch(/weft_model_batch_rows_count\{model="clf",version="2"\} 2\n/);
    expect(metrics).toMatch(/weft_model_request_duration_seconds_count\{model="clf",version="1"\} 1\n/);
  });

  it('the default policy serves only the latest version', async () => {
    expect((await call(server, 'GET', '/v2/models/latest')).json.versions).toEqual(['2']);
    const old = await call(server, 'POST', '/v2/models/latest/versions/1/infer', request);
    expect(old.status).toBe(404);
    expect(old.json.error).toBe('model "latest" has no version 1; its versions are 2');
  });

  it('404 names what exists; a corrupt model and a conflicting config are unavailable with the reason', async () => {
    const unknown = await call(server, 'POST', '/v2/models/nope/infer', request);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe(
      'model "nope" is not served here; this server serves "broken", "clf", "conflict", "latest"',
    );
    const index = (await call(server, 'POST', '/v2/repository/index')).json as unknown as {
      name: string;
      version?: string;
      state: string;
      reason?: string;
    }[];
    const broken = index.find((e) => e.name === 'broken');
    expect(broken?.state).toBe('UNAVAILABLE');
    expect(broken?.reason).toMatch(/broken[/\\]1[/\\]model\.onnx/);
    const conflict = index.find((e) => e.name === 'conflict');
    expect(conflict).toMatchObject({ state: 'UNAVAILABLE' });
    expect(conflict?.reason).toMatch(/conflicting version policies/);
    const r = await call(server, 'POST', '/v2/models/broken/infer', request);
    expect(r.status).toBe(503);
    expect(r.json.error).toMatch(/unavailable/);
    expect(log.some((l) => /^model broken version 1: refused/.test(l))).toBe(true);
  });

  it('a new version dropped in is loaded without a restart; a broken one is refused while the old one serves', async () => {
    putVersion('clf', 3, bytes(3));
    await until('version 3', async () => (await call(server, 'GET', '/v2/models/clf/versions/3/ready')).status === 200);
    expectVersion(await call(server, 'POST', '/v2/models/clf/infer', request), 3);
    expect(log).toContain(
      `model clf version 3: loaded ${path.join(repo, 'clf', '3', 'model.onnx')} (dynamic batching up to 64)`,
    );

    putVersion('latest', 3, 'corrupt');
    await until('the refusal', async () => log.some((l) => l.startsWith('model latest version 3: refused')));
    expect(log.find((l) => l.startsWith('model latest version 3: refused'))).toMatch(/still serving version 2$/);
    expectVersion(await call(server, 'POST', '/v2/models/latest/infer', request), 2);
    const v3 = await call(server, 'POST', '/v2/models/latest/versions/3/infer', request);
    expect(v3.status).toBe(503);

    mkdirSync(path.join(repo, 'clf', '4'));
    await until('the empty folder', async () => log.some((l) => l.startsWith('model clf version 4: refused')));
    expect(log.find((l) => l.startsWith('model clf version 4: refused'))).toMatch(/has no model\.onnx/);
    expectVersion(await call(server, 'POST', '/v2/models/clf/infer', request), 3);
  });

  it('the repository API unloads and loads a model', async () => {
    expect((await call(server, 'POST', '/v2/repository/models/clf/unload')).status).toBe(200);
    const gone = await call(server, 'POST', '/v2/models/clf/infer', request);
    expect(gone.status).toBe(503);
    expect(gone.json.error).toMatch(/unloaded/);
    expect((await call(server, 'POST', '/v2/repository/models/clf/load')).status).toBe(200);
    expectVersion(await call(server, 'POST', '/v2/models/clf/versions/1/infer', request), 1);
    const missing = await call(server, 'POST', '/v2/repository/models/zzz/load');
    expect(missing.status).toBe(404);
    const failed = await call(server, 'POST', '/v2/repository/models/broken/load');
    expect(failed.status).toBe(400);
    expect(failed.json.error).toMatch(/^model broken failed to load: version 1: /);
  });
});
