import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { engineApi, hostApi } from '../../../../../core/common';
import { runsApi } from '../../../../../core/common/protocol/runsApi';
import { servingApi } from '../../../../../core/common/protocol/servingApi';
import { Engine } from '../../../../../core/node/engine/Engine';
import { revisionOf } from '../../../../../core/node/studio/HostService';
import {
  CONTENT_SECURITY_POLICY,
  startStudioServer,
  TOKEN_HEADER,
  type RunningStudio,
} from '../../../../../core/node/studio/StudioServer';
import { createStubLog, stubExecutors, stubNodes } from '../../../../fixtures/stubNodes';
import { linearModel, writeModel } from '../onnx/onnxFiles';

const tmp = (prefix: string): string => mkdtempSync(path.join(os.tmpdir(), prefix));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let studio: RunningStudio;
let workspace: string;
let outside: string;
let examplesDir: string;

/** A raw HTTP request, so Host and Origin can be anything a hostile page could send. */
function http(
  method: string,
  pathname: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: studio.port,
        method,
        path: pathname,
        headers: { host: `127.0.0.1:${studio.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function rpc(
  channel: string,
  params: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; result?: unknown; error?: string }> {
  const r = await http('POST', `/api/rpc/${channel}`, {
    body: JSON.stringify(params),
    headers: { 'content-type': 'application/json', 'x-weft-token': studio.token, ...headers },
  });
  return { status: r.status, ...(JSON.parse(r.body) as { result?: unknown; error?: string }) };
}

const pipeline = (name: string): string =>
  JSON.stringify({
    format: 'weft.pipeline',
    version: 2,
    metadata: { name },
    nodes: [{ id: 'c', type: 'test.constant', version: 2, params: { value: 1 }, position: { x: 0, y: 0 } }],
    edges: [],
  });

beforeAll(async () => {
  workspace = tmp('weft-studio-ws-');
  outside = tmp('weft-studio-outside-');
  examplesDir = tmp('weft-studio-examples-');
  const rendererDir = tmp('weft-studio-renderer-');
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'export {};');
  writeFileSync(path.join(outside, 'secret.weft.json'), pipeline('secret'));
  mkdirSync(path.join(workspace, 'data'));
  writeFileSync(path.join(workspace, 'data', 'mine.weft.json'), pipeline('mine'));
  symlinkSync(outside, path.join(workspace, 'escape'));
  symlinkSync(path.join(outside, 'secret.weft.json'), path.join(workspace, 'secret-link.weft.json'));
  symlinkSync(path.join(workspace, 'data'), path.join(workspace, 'data-link'));
  writeFileSync(
    path.join(examplesDir, 'b-regression.weft.json'),
    JSON.stringify({
      ...JSON.parse(pipeline('Regression')),
      metadata: { name: 'Regression', description: 'fits a line' },
    }),
  );
  writeFileSync(path.join(examplesDir, 'a-untitled.weft.json'), '{ not json');
  writeFileSync(path.join(examplesDir, 'notes.txt'), 'not an example');
  studio = await startStudioServer({
    workspace,
    rendererDir,
    examplesDir,
    engine: new Engine({ registry: stubNodes, executors: stubExecutors(createStubLog()) }),
    registry: stubNodes,
    version: 'test',
    port: 0,
  });
});

afterAll(async () => {
  await studio.close();
});

describe('static files', () => {
  it('serves the renderer with the content security policy and nosniff', async () => {
    for (const p of ['/', '/assets/app.js', '/some/client/route']) {
      const r = await http('GET', p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('refuses paths that climb out of the renderer folder and 404s missing assets', async () => {
    expect((await http('GET', '/..%2F..%2F..%2Fetc%2Fpasswd')).status).toBe(403);
    const dotted = await http('GET', '/%2e%2e/%2e%2e/etc/passwd');
    expect(dotted.body).toBe('<!doctype html><title>studio</title>');
    expect((await http('GET', '/assets/missing.js')).status).toBe(404);
    expect((await http('GET', '/%E0%A4%A')).status).toBe(400);
  });
});

describe('Host and Origin checks', () => {
  it('refuses another Host (DNS rebinding) and another Origin (a page elsewhere)', async () => {
    const rebound = await http('GET', '/', { headers: { host: `evil.example:${studio.port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toMatch(/cross-origin/);
    const foreign = await rpc('host.info', {}, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const otherPort = await rpc('host.info', {}, { origin: `http://127.0.0.1:${studio.port + 1}` });
    expect(otherPort.status).toBe(403);
  });

  it('answers its own origin, by 127.0.0.1 or localhost', async () => {
    expect((await rpc('host.info', {}, { origin: `http://127.0.0.1:${studio.port}` })).status).toBe(200);
    const local = await rpc(
      'host.info',
      {},
      { host: `localhost:${studio.port}`, origin: `http://localhost:${studio.port}` },
    );
    expect(local).toMatchObject({ status: 200, result: { workspace, version: 'test', transport: 'http' } });
  });

  it('refuses an event socket opened from another origin', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/api/events`, { origin: 'http://evil.example' });
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
      ws.on('error', (e) => resolve(`error ${e.message}`));
    });
    expect(outcome).not.toBe('open');
    expect(outcome).toMatch(/403/);
  });
});

/** Every channel the studio answers, read from the same tables the server checks. */
const channels = [
  ...Object.keys(engineApi),
  ...Object.keys(hostApi),
  ...Object.keys(runsApi),
  ...Object.keys(servingApi),
];

function openSocket(protocols: string[]): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/api/events`, protocols);
  return new Promise<string>((resolve) => {
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
    ws.on('error', (e) => resolve(`error ${e.message}`));
  });
}

describe('session token', () => {
  it('puts the token in the address fragment only, never in the origin', () => {
    expect(studio.token).toMatch(/^[0-9a-f]{64}$/);
    expect(studio.url).toBe(`${studio.origin}#token=${studio.token}`);
    expect(studio.origin).not.toContain(studio.token);
  });

  it('refuses every RPC channel with 401 without the token or with a wrong one, before reading params', async () => {
    expect(channels.length).toBeGreaterThan(15);
    const wrong = `${studio.token.slice(0, -1)}${studio.token.endsWith('0') ? '1' : '0'}`;
    for (const channel of channels) {
      for (const token of [undefined, '', wrong, studio.token.slice(0, 10), `${studio.token}0`]) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (token !== undefined) headers[TOKEN_HEADER] = token;
        const r = await http('POST', `/api/rpc/${channel}`, {
          body: JSON.stringify({ path: '/etc/passwd', typed: true }),
          headers,
        });
        expect(r.status, `${channel} with token ${JSON.stringify(token)}`).toBe(401);
        expect(JSON.parse(r.body).error).toMatch(/studio token/);
      }
    }
  });

  it('answers with the right token', async () => {
    expect((await rpc('host.info', {})).status).toBe(200);
  });

  it('refuses the event socket without the token or with a wrong one', async () => {
    expect(await openSocket([])).toMatch(/401/);
    expect(await openSocket(['weft'])).toMatch(/401/);
    expect(await openSocket(['weft', 'weft-token.nope'])).toMatch(/401/);
    expect(await openSocket(['weft', `weft-token.${studio.token}x`])).toMatch(/401/);
    expect(await openSocket(['weft', `weft-token.${studio.token}`])).toBe('open');
  });

  it('gives each server start its own token', async () => {
    const other = await startStudioServer({
      workspace,
      rendererDir: examplesDir,
      engine: new Engine({ registry: stubNodes, executors: stubExecutors(createStubLog()) }),
      registry: stubNodes,
      version: 'test',
      port: 0,
    });
    try {
      expect(other.token).not.toBe(studio.token);
    } finally {
      await other.close();
    }
  });
});

describe('RPC and socket input', () => {
  it('rejects bad params with 400 and a message naming the field', async () => {
    const write = await rpc('pipeline.write', { path: 'x.txt', text: 'a', baseRevision: null });
    expect(write.status).toBe(400);
    expect(write.error).toMatch(/pipeline\.write: path: pipelines are saved as \*\.weft\.json/);
    const run = await rpc('engine.run', { runId: 3 });
    expect(run.status).toBe(400);
    expect(run.error).toMatch(/engine\.run: .*(document|runId)/);
    const example = await rpc('examples.read', { name: '../secret.weft.json' });
    expect(example.status).toBe(400);
    expect(example.error).toMatch(/examples\.read: name/);
    const list = await rpc('files.list', { extensions: ['csv'] });
    expect(list.status).toBe(400);
    expect(list.error).toMatch(/files\.list: extensions\.0/);
  });

  it('answers a body that is not JSON with 400, a wrong content type with 415, an unknown channel with 404, GET with 405', async () => {
    const notJson = await http('POST', '/api/rpc/host.info', {
      body: '{oops',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: studio.token },
    });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error).toMatch(/body is not JSON/);
    expect(
      (await http('POST', '/api/rpc/host.info', { body: '{}', headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(415);
    const unknown = await rpc('shell.exec', {});
    expect(unknown).toMatchObject({ status: 404, error: 'unknown channel shell.exec' });
    expect((await http('GET', '/api/rpc/host.info')).status).toBe(405);
    expect((await http('PUT', '/index.html')).status).toBe(405);
  });

  it('answers a ping on the event socket and closes it on an unknown message (1008)', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/api/events`, ['weft', `weft-token.${studio.token}`]);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    expect(ws.protocol).toBe('weft');
    ws.send(JSON.stringify({ type: 'ping', id: 7 }));
    const pong = await new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
    expect(JSON.parse(pong)).toEqual({ type: 'pong', id: 7 });
    ws.send(JSON.stringify({ type: 'run', document: {} }));
    const code = await new Promise<number>((resolve) => ws.once('close', (c: number) => resolve(c)));
    expect(code).toBe(1008);
  });
});

describe('workspace confinement', () => {
  it('refuses ../ escapes and absolute paths the user did not type', async () => {
    const climb = await rpc('pipeline.read', { path: `../${path.basename(outside)}/secret.weft.json` });
    expect(climb.status).toBe(403);
    expect(climb.error).toMatch(/outside the workspace/);
    expect((await rpc('pipeline.read', { path: path.join(outside, 'secret.weft.json') })).status).toBe(403);
    expect((await rpc('files.list', { dir: '..' })).status).toBe(403);
    expect((await rpc('pipeline.write', { path: '../dropped.weft.json', text: 'x', baseRevision: null })).status).toBe(
      403,
    );
    expect(readdirSync(path.dirname(workspace))).not.toContain('dropped.weft.json');
  });

  it('refuses symbolic links that lead out of the workspace, for reading, listing and writing', async () => {
    const viaDir = await rpc('pipeline.read', { path: 'escape/secret.weft.json' });
    expect(viaDir.status).toBe(403);
    expect(viaDir.error).toMatch(/symbolic link/);
    expect((await rpc('pipeline.read', { path: 'secret-link.weft.json' })).status).toBe(403);
    expect((await rpc('files.list', { dir: 'escape' })).status).toBe(403);
    expect(
      (await rpc('pipeline.write', { path: 'escape/planted.weft.json', text: pipeline('p'), baseRevision: null }))
        .status,
    ).toBe(403);
    expect(readdirSync(outside)).toEqual(['secret.weft.json']);
  });

  it('follows links that stay inside the workspace, and opens a file elsewhere when the user typed its path', async () => {
    const inside = await rpc('pipeline.read', { path: 'data-link/mine.weft.json' });
    expect(inside.status).toBe(200);
    const typed = await rpc('pipeline.read', { path: path.join(outside, 'secret.weft.json'), typed: true });
    expect(typed).toMatchObject({
      status: 200,
      result: { path: path.join(outside, 'secret.weft.json'), text: pipeline('secret') },
    });
  });
});

describe('saving', () => {
  it('writes atomically, hands out the content revision, and refuses a stale or blind overwrite with 409', async () => {
    const first = await rpc('pipeline.write', { path: 'saved.weft.json', text: pipeline('v1'), baseRevision: null });
    expect(first).toMatchObject({
      status: 200,
      result: { path: 'saved.weft.json', revision: revisionOf(pipeline('v1')) },
    });
    const blind = await rpc('pipeline.write', { path: 'saved.weft.json', text: pipeline('v2'), baseRevision: null });
    expect(blind.status).toBe(409);
    expect(blind.error).toMatch(/already exists/);
    const second = await rpc('pipeline.write', {
      path: 'saved.weft.json',
      text: pipeline('v2'),
      baseRevision: revisionOf(pipeline('v1')),
    });
    expect(second.status).toBe(200);
    const stale = await rpc('pipeline.write', {
      path: 'saved.weft.json',
      text: pipeline('v3'),
      baseRevision: revisionOf(pipeline('v1')),
    });
    expect(stale.status).toBe(409);
    expect(stale.error).toMatch(/changed on disk/);
    expect(readFileSync(path.join(workspace, 'saved.weft.json'), 'utf8')).toBe(pipeline('v2'));
    expect(readdirSync(workspace).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('lets exactly one of several saves based on the same revision through', async () => {
    const base = revisionOf(pipeline('v2'));
    const texts = [1, 2, 3, 4, 5].map((i) => pipeline(`racer ${i}`));
    const replies = await Promise.all(
      texts.map((text) => rpc('pipeline.write', { path: 'saved.weft.json', text, baseRevision: base })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const winner = texts[replies.findIndex((r) => r.status === 200)];
    expect(readFileSync(path.join(workspace, 'saved.weft.json'), 'utf8')).toBe(winner);
  });

  it('keeps examples read-only', async () => {
    const r = await rpc('pipeline.write', {
      path: path.join(examplesDir, 'b-regression.weft.json'),
      text: pipeline('x'),
      baseRevision: null,
      typed: true,
    });
    expect(r.status).toBe(403);
    expect(r.error).toMatch(/read-only/);
  });
});

describe('recovery and examples', () => {
  it('writes the recovery file under .weft/studio, offers it back, and forgets it when cleared', async () => {
    expect((await rpc('recovery.read', {})).result).toBeNull();
    const w = await rpc('recovery.write', { text: pipeline('draft'), path: 'saved.weft.json' });
    expect(w.status).toBe(200);
    const onDisk = JSON.parse(readFileSync(path.join(workspace, '.weft/studio/recovery.json'), 'utf8'));
    expect(onDisk).toMatchObject({ text: pipeline('draft'), path: 'saved.weft.json' });
    expect((await rpc('recovery.read', {})).result).toEqual({
      text: pipeline('draft'),
      path: 'saved.weft.json',
      savedAt: (w.result as { savedAt: number }).savedAt,
    });
    await rpc('recovery.clear', {});
    expect((await rpc('recovery.read', {})).result).toBeNull();
    writeFileSync(path.join(workspace, '.weft/studio/recovery.json'), '{ torn');
    expect((await rpc('recovery.read', {})).result).toBeNull();
  });

  it('lists *.weft.json examples with their metadata title (else the file name) and opens them read-only', async () => {
    const list = await rpc('examples.list', {});
    expect(list.result).toEqual([
      { name: 'a-untitled.weft.json', title: 'a-untitled', description: '' },
      { name: 'b-regression.weft.json', title: 'Regression', description: 'fits a line' },
    ]);
    const opened = await rpc('examples.read', { name: 'b-regression.weft.json' });
    expect(opened).toMatchObject({
      status: 200,
      result: { readOnly: true, path: path.join(examplesDir, 'b-regression.weft.json') },
    });
    expect((await rpc('examples.read', { name: 'notes.txt' })).status).toBe(404);
  });
});

describe('model servers', () => {
  it('starts a server for a model in the workspace, refuses one outside it, and stops it when the studio closes', async () => {
    writeModel(path.join(workspace, 'data'), 'lin.onnx', linearModel([[1], [2]], [0.5]));
    writeModel(outside, 'far.onnx', linearModel([[1], [2]], [0.5]));
    expect((await rpc('serving.models', {})).result).toContainEqual({ path: 'data/lin.onnx', kind: 'onnx' });
    expect((await rpc('serving.start', { path: path.join(outside, 'far.onnx') })).status).toBe(403);
    expect((await rpc('serving.start', { path: 'escape/far.onnx' })).status).toBe(403);
    expect((await rpc('serving.start', { path: 'data/lin.onnx', port: -1 })).error).toMatch(/^serving.start: port: /);
    const started = await rpc('serving.start', { path: 'data/lin.onnx' });
    expect(started.status).toBe(200);
    const { url, id } = started.result as { url: string; id: string };
    expect((await fetch(`${url}/v2/models/lin/ready`)).status).toBe(200);
    expect((await rpc('serving.stats', { id })).result).toMatchObject({ requests: 0, errors: 0 });
    await studio.close();
    await expect(fetch(`${url}/v2/health/ready`)).rejects.toThrow();
  });
});
