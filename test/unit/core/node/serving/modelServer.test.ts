import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../../../core/node/executors/Executor';
import { startModelServer, type ModelServer } from '../../../../../core/node/serving/modelServer';
import { affine, linearModel, mixedModel, softmax, tempDir, writeModel } from '../onnx/onnxFiles';

const dir = tempDir('weft-serve-');
const W = [
  [1, -1, 0],
  [0.5, 2, -1],
];
const B = [0.25, -0.5, 0];
const classifier = writeModel(dir, 'clf.onnx', linearModel(W, B, { softmax: true }));
const mixed = writeModel(dir, 'mixed.onnx', mixedModel());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fields the tests read from JSON replies. */
interface Reply {
  error: string;
  name: string;
  id: string;
  model_name: string;
  outputs: { name: string; datatype: string; shape: number[]; data: (number | boolean)[] }[];
}

async function call(
  server: ModelServer,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Reply; text: string }> {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as Reply,
    text,
  };
}

const fp32 = (shape: number[], data: unknown[]) => ({ inputs: [{ name: 'x', shape, datatype: 'FP32', data }] });

describe('Open Inference Protocol v2 REST', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ model: classifier, port: 0, provider: 'cpu', maxBodyBytes: 4096 });
  });
  afterAll(() => server.close());

  it('health, server and model metadata, readiness', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call(server, 'GET', '/v2/health/live')).status).toBe(200);
    expect((await call(server, 'GET', '/v2/health/ready')).status).toBe(200);
    expect((await call(server, 'GET', '/v2')).json.name).toBe('weft');
    expect((await call(server, 'GET', '/v2/models/clf/ready')).status).toBe(200);
    expect((await call(server, 'GET', '/v2/models/clf')).json).toEqual({
      name: 'clf',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
    });
    const other = await call(server, 'GET', '/v2/models/other');
    expect(other.status).toBe(404);
    expect(other.json.error).toMatch(/serves "clf"/);
  });

  it('infer returns softmax(xW + b) for flat and nested data, with the request id', async () => {
    const rows = [
      [1, 2],
      [-3, 0.5],
    ];
    for (const data of [rows.flat(), rows]) {
      const r = await call(server, 'POST', '/v2/models/clf/infer', { id: 'req-1', ...fp32([2, 2], data) });
      expect(r.status).toBe(200);
      expect(r.json.model_name).toBe('clf');
      expect(r.json.id).toBe('req-1');
      const out = r.json.outputs[0];
      expect([out.name, out.datatype, out.shape]).toEqual(['y', 'FP32', [2, 3]]);
      const want = rows.flatMap((x) => softmax(affine(x, W, B)));
      want.forEach((v, i) => expect(out.data[i]).toBeCloseTo(v, 6));
    }
    const v = await call(server, 'POST', '/v2/models/clf/versions/1/infer', fp32([1, 2], [0, 0]));
    expect(v.status).toBe(200);
  });

  it('answers the same whether the body is read by the fast reader or by the standard JSON parser', async () => {
    const body = JSON.stringify(fp32([2, 2], [0.41997575759887695, -1.5e-3, 12345678.901234567, 0.1]));
    const fast = await call(server, 'POST', '/v2/models/clf/infer', body);
    // A byte order mark is left to Fastify's standard parser, which skips it.
    const standard = await call(server, 'POST', '/v2/models/clf/infer', `\ufeff${body}`);
    expect(fast.status).toBe(200);
    expect(standard.text).toBe(fast.text);
    const rows = [
      [0.41997575759887695, -1.5e-3],
      [12345678.901234567, 0.1],
    ].map((r) => r.map((x) => Math.fround(x)));
    const want = rows.flatMap((x) => softmax(affine(x, W, B)));
    want.forEach((p, i) => expect(fast.json.outputs[0].data[i]).toBeCloseTo(p, 6));
  });

  it.each([
    [
      'wrong dtype',
      { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] },
      /datatype FP64 does not match the model's FP32/,
    ],
    ['wrong width', fp32([1, 3], [1, 2, 3]), /shape \[1, 3\] does not fit the model's \[-1, 2\]/],
    ['wrong rank', fp32([2], [1, 2]), /does not fit/],
    ['too few values', fp32([2, 2], [1, 2, 3]), /needs 4 values but data has 3/],
    ['a string in FP32 data', fp32([1, 2], [1, 'two']), /data\[1\] is "two", expected a number for FP32/],
    [
      'unknown input',
      { inputs: [{ name: 'z', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] },
      /no input "z"; its inputs are x/,
    ],
    ['unknown output', { ...fp32([1, 2], [1, 2]), outputs: [{ name: 'logits' }] }, /unknown output logits/],
    ['no inputs', { inputs: [] }, /at inputs/],
    ['negative shape', fp32([-1, 2], [1, 2]), /at inputs\.0\.shape\.0/],
    ['not JSON', '{"inputs": [', /JSON/],
    [
      '1e999 (Infinity)',
      '{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1, 1e999]}]}',
      /inputs\[0\] \(x\): data\[1\] is Infinity/,
    ],
    [
      '-1e999',
      '{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[[1,2],[-1e999,0]]}]}',
      /data\[2\] is -Infinity/,
    ],
    ['a value beyond float32', fp32([1, 2], [1e39, 0]), /data\[0\] is 1e\+39, beyond the float32 range/],
  ])('400 for %s, with a message saying what is wrong', async (_what, body, message) => {
    const r = await call(server, 'POST', '/v2/models/clf/infer', body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(message);
  });

  it('413 for a body over the limit', async () => {
    const big = fp32(
      [400, 2],
      Array.from({ length: 800 }, () => 0.123456),
    );
    const r = await call(server, 'POST', '/v2/models/clf/infer', big);
    expect(r.status).toBe(413);
    expect(r.json.error).toMatch(/4096 byte limit/);
  });

  it('/metrics counts requests by route and status, errors, and latency', async () => {
    await call(server, 'POST', '/v2/models/clf/infer', fp32([1, 2], [1, 1]));
    await call(server, 'POST', '/v2/models/clf/infer', fp32([1, 5], [1, 1, 1, 1, 1]));
    const m = await call(server, 'GET', '/metrics');
    expect(m.status).toBe(200);
    const { text } = m;
    const count = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
    expect(
      count(/weft_http_requests_total\{method="POST",route="\/v2\/models\/:model\/infer",status="200"\} (\d+)/),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count(/weft_http_request_errors_total\{route="\/v2\/models\/:model\/infer",status="400"\} (\d+)/),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count(/weft_http_request_duration_seconds_count\{method="POST",route="\/v2\/models\/:model\/infer"\} (\d+)/),
    ).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/weft_inference_rows_total\{model="clf"\} \d+/);
  });
});

describe('integer and boolean tensors', () => {
  it('INT64 and BOOL go in and come back as JSON numbers and booleans', async () => {
    const server = await startModelServer({ model: mixed, port: 0, provider: 'cpu' });
    try {
      const r = await call(server, 'POST', '/v2/models/mixed/infer', {
        inputs: [
          { name: 'ids', shape: [3], datatype: 'INT64', data: [1, -2, 40000000000] },
          { name: 'mask', shape: [3, 2], datatype: 'BOOL', data: [true, false, false, false, true, true] },
        ],
      });
      expect(r.status).toBe(200);
      expect(r.json.outputs).toEqual([
        { name: 'twice', datatype: 'INT64', shape: [3], data: [2, -4, 80000000000] },
        { name: 'notmask', datatype: 'BOOL', shape: [3, 2], data: [false, true, true, true, false, false] },
      ]);
      const frac = await call(server, 'POST', '/v2/models/mixed/infer', {
        inputs: [
          { name: 'ids', shape: [1], datatype: 'INT64', data: [1.5] },
          { name: 'mask', shape: [1, 2], datatype: 'BOOL', data: [true, false] },
        ],
      });
      expect(frac.status).toBe(400);
      expect(frac.json.error).toMatch(/expected an integer/);
      const missing = await call(server, 'POST', '/v2/models/mixed/infer', {
        inputs: [{ name: 'ids', shape: [1], datatype: 'INT64', data: [1] }],
      });
      expect(missing.json.error).toBe('missing input mask');
    } finally {
      await server.close();
    }
  });
});

describe('API key', () => {
  it('refuses to listen beyond loopback without a key', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      await expect(startModelServer({ model: classifier, host, port: 0 })).rejects.toThrow(UserError);
    }
    await expect(startModelServer({ model: classifier, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /without an API key/,
    );
  });

  it('with a key, every route but health needs it, as a bearer token or x-api-key', async () => {
    const server = await startModelServer({ model: classifier, port: 0, provider: 'cpu', apiKey: 's3cret' });
    try {
      expect((await call(server, 'GET', '/v2/health/ready')).status).toBe(200);
      expect((await call(server, 'GET', '/v2/models/clf')).status).toBe(401);
      expect((await call(server, 'GET', '/metrics')).status).toBe(401);
      expect(
        (await call(server, 'POST', '/v2/models/clf/infer', fp32([1, 2], [1, 1]), { authorization: 'Bearer wrong' }))
          .status,
      ).toBe(401);
      expect(
        (await call(server, 'POST', '/v2/models/clf/infer', fp32([1, 2], [1, 1]), { authorization: 'Bearer s3cret' }))
          .status,
      ).toBe(200);
      expect((await call(server, 'GET', '/v2/models/clf', undefined, { 'x-api-key': 's3cret' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('with a key it may bind all interfaces', async () => {
    const server = await startModelServer({
      model: classifier,
      host: '0.0.0.0',
      port: 0,
      provider: 'cpu',
      apiKey: 'k',
    });
    expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await server.close();
  });
});

describe('slow clients', () => {
  /** Opens a raw connection, sends `first`, then waits; resolves with what the server answered and when. */
  async function stall(server: ModelServer, first: string): Promise<{ reply: string; ms: number }> {
    const { connect } = await import('node:net');
    const url = new URL(server.url);
    const t0 = Date.now();
    return new Promise((resolve) => {
      let reply = '';
      const sock = connect(Number(url.port), url.hostname, () => sock.write(first));
      sock.on('data', (d) => (reply += d.toString()));
      sock.on('close', () => resolve({ reply, ms: Date.now() - t0 }));
      sock.on('error', () => {});
    });
  }

  it('closes a connection whose headers or body never finish, within the configured timeouts', async () => {
    const server = await startModelServer({
      model: classifier,
      port: 0,
      provider: 'cpu',
      headersTimeoutMs: 600,
      bodyTimeoutMs: 1200,
    });
    try {
      const headers = await stall(server, 'POST /v2/models/clf/infer HTTP/1.1\r\nHost: x\r\n');
      expect(headers.ms).toBeLessThan(3000);
      expect(headers.reply).toMatch(/^HTTP\/1\.1 408/);
      const body = await stall(
        server,
        'POST /v2/models/clf/infer HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"inp',
      );
      expect(body.ms).toBeGreaterThanOrEqual(1000);
      expect(body.ms).toBeLessThan(4000);
      expect(body.reply).toMatch(/^HTTP\/1\.1 408/);
      expect((await call(server, 'POST', '/v2/models/clf/infer', fp32([1, 2], [1, 2]))).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 20_000);
});
