import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessControl } from '../../../../../core/node/serving/accessControl';
import { startModelServer, type ModelServer } from '../../../../../core/node/serving/modelServer';
import { linearModel, tempDir, writeModel } from '../onnx/onnxFiles';

const dir = tempDir('weft-keys-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = writeModel(dir, 'a.onnx', linearModel([[1], [2]], [0]));
const fixtures = path.join(import.meta.dirname, 'fixtures');

/** SHA-256 of the keys, from `printf %s <key> | sha256sum`. */
const keys = {
  keys: [
    {
      id: 'app',
      sha256: 'fa96a310fe4c13e39e28ac3f52b2874df4020be3f39351fa9fd8afe010f1e533',
      models: ['a'],
      permissions: ['infer'],
    },
    {
      id: 'viewer',
      sha256: '8578df6c579d44d3bf7caeada69ed9cbca30b318a50a0e60216b46760edf5477',
      models: '*',
      permissions: ['read'],
      rateLimit: { perSecond: 0.5, burst: 3 },
    },
    {
      id: 'ops',
      sha256: '69a5265506c94c77b787a7d7377b7685a0eff82e33920a71e7ee22cd6154953e',
      models: '*',
      permissions: ['admin'],
    },
    {
      id: 'ops-b',
      sha256: '4f7f473df905c5976f411a217a56daa95ce8453568fda514973b15c906615fae',
      models: ['b'],
      permissions: ['admin'],
    },
  ],
};
const body = { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 1] }] };

describe('keys with scopes, rate limits and an access log', () => {
  let server: ModelServer;
  const keysFile = path.join(dir, 'keys.json');
  const accessLog = path.join(dir, 'access.jsonl');
  beforeAll(async () => {
    writeFileSync(keysFile, JSON.stringify(keys));
    server = await startModelServer({ model, port: 0, provider: 'cpu', keysFile, accessLog });
  });

  const call = async (method: string, route: string, key?: string): Promise<Response> =>
    fetch(`${server.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
    });

  it('401 without a key, 403 outside scope or permission, 200 inside', async () => {
    expect((await call('POST', '/v2/models/a/infer')).status).toBe(401);
    expect((await call('POST', '/v2/models/a/infer', 'not-a-key')).status).toBe(401);
    expect((await call('POST', '/v2/models/a/infer', 'infer-a-key')).status).toBe(200);
    const other = await call('POST', '/v2/models/b/infer', 'infer-a-key');
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toBe(
      'key "app" may not reach model "b"; its models are a',
    );
    expect((await call('GET', '/v2/models/a', 'infer-a-key')).status).toBe(403);
    expect((await call('POST', '/v2/repository/index', 'infer-a-key')).status).toBe(403);
    expect((await call('POST', '/v2/models/a/infer', 'read-key')).status).toBe(403);
    expect((await call('POST', '/v2/repository/index', 'admin-key')).status).toBe(200);
    const names = async (key: string): Promise<string[]> =>
      ((await (await call('POST', '/v2/repository/index', key)).json()) as { name: string }[]).map((e) => e.name);
    expect(await names('admin-key')).toEqual(['a']);
    expect(await names('scoped-admin-key')).toEqual([]);
    expect((await call('GET', '/v2/health/ready')).status).toBe(200);
  });

  it('the access log has one JSON line per request with the key id, never the key', async () => {
    await call('POST', '/v2/models/a/infer', 'infer-a-key');
    await new Promise((r) => setTimeout(r, 50));
    const text = readFileSync(accessLog, 'utf8');
    for (const secret of ['infer-a-key', 'read-key', 'admin-key', 'not-a-key']) expect(text).not.toContain(secret);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ key: 'app', model: 'a', version: '1', status: 200, method: 'POST' });
    expect(lines.some((l) => l.key === null && l.status === 401)).toBe(true);
  });

  it('429 with Retry-After once a key is over its rate', async () => {
    const statuses: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await call('GET', '/v2/models/a', 'read-key');
      statuses.push(r.status);
      if (r.status === 429) retry = r.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses).toContain(429);
    expect(Number(retry)).toBeGreaterThanOrEqual(1);
    expect(Number(retry)).toBeLessThanOrEqual(2);
  });

  afterAll(() => server.close());
});

describe('AccessControl', () => {
  it('refills a token bucket at the given rate', () => {
    let t = 0;
    const ac = new AccessControl(
      [
        {
          id: 'k',
          sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
          models: '*',
          permissions: ['read'],
          rateLimit: { perSecond: 2, burst: 2 },
        },
      ],
      () => t,
    );
    expect(ac.check('abc', 'read').ok).toBe(true);
    expect(ac.check('abc', 'read').ok).toBe(true);
    expect(ac.check('abc', 'read')).toMatchObject({ ok: false, status: 429, retryAfterS: 1 });
    t = 500;
    expect(ac.check('abc', 'read').ok).toBe(true);
    expect(ac.check('abc', 'read').ok).toBe(false);
  });
});

describe('TLS', () => {
  it('serves HTTPS with the given certificate and key', async () => {
    const server = await startModelServer({
      model,
      port: 0,
      provider: 'cpu',
      tls: { cert: path.join(fixtures, 'tls-cert.pem'), key: path.join(fixtures, 'tls-key.pem') },
    });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest(
          `${server.url}/v2/health/ready`,
          { ca: readFileSync(path.join(fixtures, 'tls-cert.pem')) },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
