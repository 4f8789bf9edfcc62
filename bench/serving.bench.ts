/**
 * Inference throughput of an MLP 784-128-64-10 (softmax head) with the same seeded weights on both
 * sides: onnxruntime in-process (what `model.onnx` and `weft serve-model` run) against PyTorch eval
 * (Debian python3-torch, `torch.no_grad()`), same thread count, same inputs; then `weft serve-model`
 * in its own process under autocannon with 64 concurrent clients on loopback (requests/s and p99),
 * without and with dynamic batching (the unbatched server is the batched one's peer).
 * The first rows' probabilities of both runtimes are compared before any number is reported.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import * as ort from 'onnxruntime-node';
import { encodeModelData } from '../core/common/model/onnx/encodeModel';
import { openSession } from '../core/node/onnx/session';
import { mlpModel, seededValues } from '../test/unit/core/node/onnx/onnxFiles';
import { peerEnv } from './peerEnv';
import { reportBench } from './report';

const PYTHON = '/usr/bin/python3';
const SIZES = [784, 128, 64, 10];
const ROWS = 4096;
const BATCH = 256;
const SECONDS = 3;
const LOAD_SECONDS = 8;
const MAX_BATCH = 64;
const THREADS = availableParallelism();
const here = path.dirname(fileURLToPath(import.meta.url));

async function timed(
  step: (i: number) => Promise<void>,
  rowsPerCall: number,
): Promise<{ rowsPerS: number; callsPerS: number }> {
  for (let i = 0; i < 20; i++) await step(0);
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) await step(calls++);
  const s = (performance.now() - start) / 1000;
  return { rowsPerS: (calls * rowsPerCall) / s, callsPerS: calls / s };
}

interface TorchResult {
  rows_per_s: number;
  calls_per_s: number;
  probs: number[];
  threads: number;
  torch: string;
  blas: string;
}

function torchPeer(dir: string, weights: Float32Array, x: Float32Array): TorchResult | string {
  if (!existsSync(PYTHON)) return `${PYTHON} missing`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'PyTorch (python3-torch) not installed';
  writeFileSync(path.join(dir, 'weights.f32'), weights);
  writeFileSync(path.join(dir, 'inputs.f32'), x);
  const r = spawnSync(
    PYTHON,
    [
      path.join(here, 'serving_pytorch.py'),
      path.join(dir, 'weights.f32'),
      path.join(dir, 'inputs.f32'),
      SIZES.join(','),
      String(ROWS),
      String(BATCH),
      String(THREADS),
      String(SECONDS),
    ],
    { encoding: 'utf8', timeout: 120_000, env: peerEnv(THREADS) },
  );
  if (r.status !== 0) return `PyTorch peer failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult;
}

async function serveAndLoad(
  file: string,
  row: number[],
  flags: string[],
): Promise<{ reqPerS: number; p99: number; requests: number; errors: number; non2xx: number }> {
  const child = spawn(
    process.execPath,
    [path.join(here, '..', 'bin', 'weft.js'), 'serve-model', file, '--port', '0', '--provider', 'cpu', ...flags],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving \S+ on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`weft serve-model exited with ${code}`)));
    });
    const r = await autocannon({
      url: `${url}/v2/models/mlp/infer`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, SIZES[0]], datatype: 'FP32', data: row }] }),
      connections: 64,
      duration: LOAD_SECONDS,
    });
    return {
      reqPerS: r.requests.average,
      p99: r.latency.p99,
      requests: r['2xx'],
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-bench-serving-'));
  try {
    const { model, weights } = mlpModel(SIZES, 7);
    const file = path.join(dir, 'mlp.onnx');
    writeFileSync(file, encodeModelData(model));
    const x = seededValues(ROWS * SIZES[0], 11, 0.5).map((v) => v + 0.5);
    const flatWeights = Float32Array.from(weights.layers.flatMap((l) => [...l.w, ...l.b]));

    const { session } = await openSession(file, { provider: 'cpu', threads: THREADS });
    const feed = (start: number, n: number): ort.Tensor =>
      new ort.Tensor('float32', x.subarray(start * SIZES[0], (start + n) * SIZES[0]), [n, SIZES[0]]);
    const batches = ROWS / BATCH;
    const ours = await timed(async (i) => void (await session.run({ x: feed((i % batches) * BATCH, BATCH) })), BATCH);
    const oursOne = await timed(async (i) => void (await session.run({ x: feed(i % ROWS, 1) })), 1);
    const first = (await session.run({ x: feed(0, 8) })).probabilities.data as Float32Array;
    await session.release();

    const peer = torchPeer(dir, flatWeights, x);
    const note = typeof peer === 'string' ? peer : undefined;
    if (typeof peer !== 'string') {
      let diff = 0;
      peer.probs.forEach((p, i) => (diff = Math.max(diff, Math.abs(p - first[i]))));
      console.log(
        `check serving: onnxruntime vs torch ${peer.torch} (BLAS ${peer.blas}) probabilities on 8 rows, max |diff| = ${diff.toExponential(2)}; ${THREADS} threads each`,
      );
      if (!(diff <= 1e-5)) throw new Error('the two runtimes disagree: the comparison would be meaningless');
    }
    reportBench(
      'serving-onnx-mlp784-b256',
      ours.rowsPerS,
      note ? null : (peer as TorchResult).rows_per_s,
      'rows/s',
      true,
      note,
    );
    reportBench(
      'serving-onnx-mlp784-b1',
      oursOne.callsPerS,
      note ? null : (peer as TorchResult).calls_per_s,
      'calls/s',
      true,
      note,
    );

    const row = Array.from(x.subarray(0, SIZES[0]));
    const load = await serveAndLoad(file, row, ['--max-batch', '0']);
    console.log(
      `check serving: weft serve-model, 64 clients × ${LOAD_SECONDS} s on loopback: ${load.requests} answered, ${load.errors} errors, ${load.non2xx} non-2xx`,
    );
    if (load.errors || load.non2xx) throw new Error('the load test saw errors');
    reportBench(
      'serving-http-infer-c64-b1 (peer: torch eval b1, in-process, no HTTP)',
      load.reqPerS,
      note ? null : (peer as TorchResult).calls_per_s,
      'req/s',
      true,
      note,
    );
    reportBench('serving-http-p99-c64-b1', load.p99, null, 'ms', false, 'no PyTorch HTTP server among the peers');

    const batched = await serveAndLoad(file, row, ['--max-batch', String(MAX_BATCH), '--max-queue-delay-ms', '0']);
    console.log(
      `check serving: weft serve-model --max-batch ${MAX_BATCH}, 64 clients × ${LOAD_SECONDS} s: ${batched.requests} answered, ${batched.errors} errors, ${batched.non2xx} non-2xx`,
    );
    if (batched.errors || batched.non2xx) throw new Error('the batched load test saw errors');
    reportBench(
      'serving-http-infer-c64-b1-batched (peer: the same server without batching)',
      batched.reqPerS,
      load.reqPerS,
      'req/s',
      true,
    );
    reportBench(
      'serving-http-p99-c64-b1-batched (peer: the same server without batching)',
      batched.p99,
      load.p99,
      'ms',
      false,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
