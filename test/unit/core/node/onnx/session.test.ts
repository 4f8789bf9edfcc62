import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { UserError } from '../../../../../core/node/executors/Executor';
import { openSession, PROVIDER_ORDER } from '../../../../../core/node/onnx/session';
import { probeInChild, probeWebGpu, WEBGPU_PROBE_TIMEOUT_MS } from '../../../../../core/node/onnx/probeWebGpu';
import { linearModel, tempDir, writeModel } from './onnxFiles';

const W = [
  [1, -1],
  [0.5, 2],
];
const B = [0.25, -0.5];

async function runLinear(opened: Awaited<ReturnType<typeof openSession>>): Promise<number[]> {
  const out = await opened.session.run({ x: new ort.Tensor('float32', new Float32Array([2, 4]), [1, 2]) });
  return Array.from(out.y.data as Float32Array);
}

describe('openSession', () => {
  const bytes = encodeModelData(linearModel(W, B));
  // x = [2, 4]: y0 = 2·1 + 4·0.5 + 0.25 = 4.25, y1 = 2·(−1) + 4·2 − 0.5 = 5.5
  const expected = [4.25, 5.5];

  it('auto picks a provider this machine has, reports it, and runs the model', async () => {
    const opened = await openSession(bytes, { provider: 'auto' });
    try {
      expect(PROVIDER_ORDER).toContain(opened.provider);
      expect(await runLinear(opened)).toEqual(expected);
      for (const n of opened.notes) expect(n).toMatch(/unavailable/);
    } finally {
      await opened.session.release();
    }
  });

  it.each(['cuda', 'webgpu', 'dml', 'coreml'] as const)(
    'asking for %s never crashes: it runs there or falls back to cpu with a note',
    async (p) => {
      const opened = await openSession(bytes, { provider: p });
      try {
        if (opened.provider === 'cpu') expect(opened.notes.join('\n')).toContain(`${p} unavailable`);
        else expect(opened.provider).toBe(p);
        expect(await runLinear(opened)).toEqual(expected);
      } finally {
        await opened.session.release();
      }
    },
  );

  it('the WebGPU probe answers within its time limit, with a reason when it fails', async () => {
    const t0 = Date.now();
    const r = await probeWebGpu();
    expect(Date.now() - t0).toBeLessThan(WEBGPU_PROBE_TIMEOUT_MS + 5000);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
  });
});

describe('the child-process probe keeps a hanging or crashing provider out of this process', () => {
  it('a child that hangs is killed at the time limit', async () => {
    const r = await probeInChild('setInterval(() => {}, 1000)', [], 1500);
    expect(r).toEqual({ ok: false, reason: 'opening a WebGPU session did not finish within 1.5 s' });
  });

  it('a child that crashes is reported with its signal', async () => {
    const r = await probeInChild("process.kill(process.pid, 'SIGSEGV')", [], 10_000);
    expect(r).toEqual({ ok: false, reason: 'opening a WebGPU session crashed the probe process (SIGSEGV)' });
  });

  it('a child that answers is believed', async () => {
    expect(await probeInChild("console.log('ok')", [], 10_000)).toEqual({ ok: true });
    expect(await probeInChild("console.log('error: ' + process.argv[1])", ['no adapter'], 10_000)).toEqual({
      ok: false,
      reason: 'no adapter',
    });
  });
});

describe('load errors name the file and say what is wrong', () => {
  const dir = tempDir();
  const good = encodeModelData(linearModel(W, B));
  const file = (name: string, data: Uint8Array | string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, data);
    return f;
  };
  const failure = async (model: string | Uint8Array, label?: string): Promise<UserError> => {
    const e = await openSession(model, { provider: 'cpu', ...(label ? { label } : {}) }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  };

  it('truncated file', async () => {
    const f = file('cut.onnx', good.subarray(0, good.length - 9));
    const e = await failure(f);
    expect(e.message).toContain(f);
    expect(e.message).toMatch(/truncated/);
  });

  it('truncated bytes, labelled', async () => {
    expect((await failure(good.subarray(0, 40), 'upload.onnx')).message).toMatch(/^upload\.onnx: .*truncated/);
  });

  it('empty file', async () => {
    const f = file('empty.onnx', '');
    expect((await failure(f)).message).toBe(`${f}: the file is empty (0 bytes), not an ONNX model`);
  });

  it('a file that is not ONNX at all', async () => {
    const f = file('notes.onnx', 'id,label\n1,cat\n');
    const e = await failure(f);
    expect(e.message).toContain(f);
    expect(e.message).toMatch(/not an ONNX model/);
  });

  it('a missing file', async () => {
    const f = path.join(dir, 'nope.onnx');
    expect((await failure(f)).message).toBe(`${f}: no such file`);
  });

  it('a well-formed file with an operator onnxruntime does not know', async () => {
    const good = linearModel(W, B);
    const bad = {
      ...good,
      graph: { ...good.graph, nodes: good.graph.nodes.map((n, k) => (k === 0 ? { ...n, opType: 'Frobnicate' } : n)) },
    };
    const f = writeModel(dir, 'frob.onnx', bad);
    const e = await failure(f);
    expect(e.message).toContain(f);
    expect(e.message).toMatch(/Frobnicate/);
  });
});

describe('non-float inputs open too', () => {
  it('an int64 model opens on cpu', async () => {
    const bytes = encodeModelData({
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      graph: {
        name: 'i',
        initializers: [],
        nodes: [{ opType: 'Neg', inputs: ['a'], outputs: ['b'] }],
        inputs: [{ name: 'a', dtype: 'int64', shape: [3] }],
        outputs: [{ name: 'b', dtype: 'int64', shape: [3] }],
      },
    });
    const opened = await openSession(bytes, { provider: 'cpu' });
    const out = await opened.session.run({ a: new ort.Tensor('int64', BigInt64Array.from([1n, -2n, 3n]), [3]) });
    expect(Array.from(out.b.data as BigInt64Array)).toEqual([-1n, 2n, -3n]);
    await opened.session.release();
  });
});
