import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../../../core/node/serving/modelServer';
import { affine, linearModel, mixedModel, softmax, tempDir, writeModel } from '../onnx/onnxFiles';

const dir = tempDir('weft-binary-');
const W = [
  [1, -1, 0],
  [0.5, 2, -1],
];
const B = [0.25, -0.5, 0];
const classifier = writeModel(dir, 'clf.onnx', linearModel(W, B, { softmax: true }));
const mixed = writeModel(dir, 'mixed.onnx', mixedModel());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A request as the binary tensor data extension lays it out, written by hand: the JSON header,
 * then each binary input's bytes (little-endian, row major), with Inference-Header-Content-Length
 * giving the header's byte length.
 */
function binaryRequest(header: unknown, ...parts: Buffer[]): { body: Buffer; headers: Record<string, string> } {
  const json = Buffer.from(JSON.stringify(header));
  return {
    body: Buffer.concat([json, ...parts]),
    headers: { 'inference-header-content-length': String(json.length) },
  };
}

function f32le(values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeFloatLE(v, 4 * i));
  return b;
}

interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** The JSON part (the whole body without Inference-Header-Content-Length). */
  json: {
    error?: string;
    outputs?: {
      name: string;
      datatype: string;
      shape: number[];
      data?: unknown[];
      parameters?: { binary_data_size: number };
    }[];
  };
  /** The bytes after the JSON part. */
  binary: Buffer;
}

async function post(server: ModelServer, route: string, body: Buffer, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(`${server.url}${route}`, { method: 'POST', headers, body: new Uint8Array(body) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const length = res.headers.get('inference-header-content-length');
  const jsonBytes = length === null ? bytes.length : Number(length);
  return {
    status: res.status,
    headers: res.headers,
    bytes,
    json: JSON.parse(bytes.toString('utf8', 0, jsonBytes)) as Reply['json'],
    binary: bytes.subarray(jsonBytes),
  };
}

describe('binary tensor data extension', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ model: classifier, port: 0, provider: 'cpu' });
  });
  afterAll(() => server.close());

  const rows = [
    [1, 2],
    [-3, 0.5],
  ];
  const want = rows.flatMap((x) => softmax(affine(x, W, B)));
  const input = { name: 'x', shape: [2, 2], datatype: 'FP32', parameters: { binary_data_size: 16 } };

  it('is listed in the server metadata', async () => {
    const meta = (await (await fetch(`${server.url}/v2`)).json()) as { extensions: string[] };
    expect(meta.extensions).toContain('binary_tensor_data');
  });

  it('binary input and binary output, as octet-stream and with no content type', async () => {
    for (const contentType of [{ 'content-type': 'application/octet-stream' }, {}] as Record<string, string>[]) {
      const req = binaryRequest(
        { inputs: [input], outputs: [{ name: 'y', parameters: { binary_data: true } }] },
        f32le(rows.flat()),
      );
      const r = await post(server, '/v2/models/clf/infer', req.body, { ...req.headers, ...contentType });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      const out = r.json.outputs?.[0];
      expect(out).toEqual({ name: 'y', datatype: 'FP32', shape: [2, 3], parameters: { binary_data_size: 24 } });
      expect(r.binary.length).toBe(24);
      want.forEach((p, i) => expect(r.binary.readFloatLE(4 * i)).toBeCloseTo(p, 6));
    }
  });

  it('binary input with JSON output, and binary_data_output on the request', async () => {
    const json = binaryRequest({ inputs: [input] }, f32le(rows.flat()));
    const r = await post(server, '/v2/models/clf/infer', json.body, json.headers);
    expect(r.status).toBe(200);
    expect(r.headers.get('inference-header-content-length')).toBeNull();
    want.forEach((p, i) => expect(r.json.outputs?.[0].data?.[i]).toBeCloseTo(p, 6));
    const all = binaryRequest({ inputs: [input], parameters: { binary_data_output: true } }, f32le(rows.flat()));
    const b = await post(server, '/v2/models/clf/infer', all.body, all.headers);
    expect(b.json.outputs?.[0].parameters).toEqual({ binary_data_size: 24 });
    want.forEach((p, i) => expect(b.binary.readFloatLE(4 * i)).toBeCloseTo(p, 6));
  });

  it('a JSON request may ask for binary output', async () => {
    const body = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: rows.flat() }],
        outputs: [{ name: 'y', parameters: { binary_data: true } }],
      }),
    );
    const r = await post(server, '/v2/models/clf/infer', body, { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    want.forEach((p, i) => expect(r.binary.readFloatLE(4 * i)).toBeCloseTo(p, 6));
  });

  it.each([
    [
      'a size that does not match the shape',
      binaryRequest({ inputs: [{ ...input, parameters: { binary_data_size: 12 } }] }, f32le([1, 2, 3])),
      /needs 16 bytes of FP32 but binary_data_size is 12/,
    ],
    [
      'bytes left over',
      binaryRequest({ inputs: [input] }, f32le([1, 2, 3, 4, 5])),
      /binary part has 20 bytes but the inputs' binary_data_size parameters add up to 16/,
    ],
    [
      'a size past the end',
      binaryRequest({ inputs: [input] }, f32le([1, 2])),
      /binary_data_size 16 runs past the end of the binary part \(8 bytes left\)/,
    ],
    [
      'NaN where no missing values are declared',
      binaryRequest({ inputs: [input] }, f32le([1, NaN, 2, 3])),
      /inputs\[0\] \(x\): data\[1\] is NaN \(a missing value\)/,
    ],
    ['Infinity', binaryRequest({ inputs: [input] }, f32le([1, 2, Infinity, 3])), /data\[2\] is Infinity/],
    [
      'both data and binary_data_size',
      binaryRequest({ inputs: [{ ...input, data: [1, 2, 3, 4] }] }, f32le([1, 2, 3, 4])),
      /has both data and a binary_data_size parameter/,
    ],
    [
      'a header length beyond the body',
      { body: Buffer.from('{}'), headers: { 'inference-header-content-length': '99' } },
      /Inference-Header-Content-Length is "99"/,
    ],
    [
      'binary_data_size without a binary part',
      {
        body: Buffer.from(JSON.stringify({ inputs: [input] })),
        headers: { 'content-type': 'application/json' },
      },
      /has a binary_data_size parameter but the request has no binary part/,
    ],
    [
      'neither data nor binary_data_size',
      {
        body: Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32' }] })),
        headers: { 'content-type': 'application/json' },
      },
      /has no data \(nor a binary_data_size parameter\)/,
    ],
  ])('400 for %s', async (_what, req, message) => {
    const r = await post(server, '/v2/models/clf/infer', req.body, req.headers);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(message);
  });

  it('415 for a body of another type without Inference-Header-Content-Length', async () => {
    const r = await post(server, '/v2/models/clf/infer', f32le([1, 2]), { 'content-type': 'application/octet-stream' });
    expect(r.status).toBe(415);
    expect(r.json.error).toMatch(/Inference-Header-Content-Length/);
  });
});

describe('binary INT64 and BOOL', () => {
  it('go in and come back as little-endian int64 and 0/1 bytes', async () => {
    const server = await startModelServer({ model: mixed, port: 0, provider: 'cpu' });
    try {
      const ids = Buffer.alloc(24);
      [1n, -2n, 2n ** 60n].forEach((v, i) => ids.writeBigInt64LE(v, 8 * i));
      const mask = Buffer.from([1, 0, 0, 0, 1, 1]);
      const req = binaryRequest(
        {
          inputs: [
            { name: 'ids', shape: [3], datatype: 'INT64', parameters: { binary_data_size: 24 } },
            { name: 'mask', shape: [3, 2], datatype: 'BOOL', parameters: { binary_data_size: 6 } },
          ],
          parameters: { binary_data_output: true },
        },
        ids,
        mask,
      );
      const r = await post(server, '/v2/models/mixed/infer', req.body, req.headers);
      expect(r.status).toBe(200);
      expect(r.json.outputs).toEqual([
        { name: 'twice', datatype: 'INT64', shape: [3], parameters: { binary_data_size: 24 } },
        { name: 'notmask', datatype: 'BOOL', shape: [3, 2], parameters: { binary_data_size: 6 } },
      ]);
      expect([0, 1, 2].map((i) => r.binary.readBigInt64LE(8 * i))).toEqual([2n, -4n, 2n ** 61n]);
      expect([...r.binary.subarray(24)]).toEqual([0, 1, 1, 1, 0, 0]);
      const bad = binaryRequest(
        {
          inputs: [
            { name: 'ids', shape: [1], datatype: 'INT64', parameters: { binary_data_size: 8 } },
            { name: 'mask', shape: [1, 2], datatype: 'BOOL', parameters: { binary_data_size: 2 } },
          ],
        },
        Buffer.alloc(8),
        Buffer.from([1, 2]),
      );
      const refused = await post(server, '/v2/models/mixed/infer', bad.body, bad.headers);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatch(/inputs\[1\] \(mask\): byte 1 is 2; BOOL elements are 0 or 1/);
    } finally {
      await server.close();
    }
  });
});
