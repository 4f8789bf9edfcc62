/**
 * Inference throughput of an MLP 784-128-64-10 (softmax head) with the same seeded weights on both
 * sides: onnxruntime in-process (what `model.onnx` and `weft serve-model` run) against PyTorch eval
 * (Debian python3-torch, `torch.no_grad()`), same thread count, same inputs; then `weft serve-model`
 * in its own process under 64 concurrent keep-alive clients on loopback (requests/s and p99; the
 * clients are bench/httpLoad.ts, which costs about half of autocannon's CPU per request here),
 * without and with dynamic batching (the unbatched server is the batched one's peer).
 * The first rows' probabilities of both runtimes are compared before any number is reported.
 * The same load is then sent to the digits CNN of bench/models.ts (conv 3×3×16, pool, conv
 * 3×3×32, pool, dense 10; seeded weights, one real test digit per request), a model whose
 * batch-1 inference is not negligible next to the HTTP work, unbatched and batched.
 * Each load run also prints the CPU seconds of the server process (its main thread, which runs the
 * HTTP work and inference, and its other threads) and of the load generator.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { buildInferenceGraph, initParams, resolveSpec } from '../core/common/model';
import { encodeModelData } from '../core/common/model/onnx/encodeModel';
import { openSession } from '../core/node/onnx/session';
import { readInferBody } from '../core/node/serving/inferBody';
import { mlpModel, seededValues } from '../test/unit/core/node/onnx/onnxFiles';
import { loadDigits } from './digits/digitsIdx';
import { httpLoad } from './httpLoad';
import { cnnSpec } from './models';
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

interface LoadResult {
  reqPerS: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** CPU seconds of the server process during the load (null where /proc is absent). */
  serverCpuS: number | null;
  /** Of which its main thread's. */
  mainCpuS: number | null;
  /** CPU seconds of this process, which runs autocannon, during the load. */
  loadCpuS: number;
  /** Mean rows per onnxruntime call, from the server's weft_model_batch_rows histogram. */
  rowsPerCall: number;
  /** The response to one request, sent before the load. */
  reply: string;
}

function rowsPerCall(metrics: string): number {
  const sum = (name: string): number =>
    [...metrics.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
  return sum('weft_model_batch_rows_sum') / sum('weft_model_batch_rows_count');
}

/** utime + stime of a process (or of one of its threads) in seconds, from /proc (Linux; USER_HZ is 100 there). */
function processCpuS(pid: number | undefined, thread?: number): number | null {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Runs `weft serve-model file flags`, or with `floor` set the bare server of servingFloor.mjs answering `floor`. */
async function serveAndLoad(file: string, body: string, flags: string[], floor?: string): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    floor !== undefined
      ? [path.join(here, 'servingFloor.mjs'), floor]
      : [path.join(here, '..', 'bin', 'weft.js'), 'serve-model', file, '--port', '0', '--provider', 'cpu', ...flags],
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
    const inferUrl = `${url}/v2/models/${path.basename(file, '.onnx')}/infer`;
    const reply = await (
      await fetch(inferUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    ).text();
    await httpLoad({ url: inferUrl, body, connections: 64, seconds: 1 });
    const serverCpu0 = processCpuS(child.pid);
    const mainCpu0 = processCpuS(child.pid, child.pid);
    const loadCpu0 = process.cpuUsage();
    const r = await httpLoad({ url: inferUrl, body, connections: 64, seconds: LOAD_SECONDS });
    const loadCpu = process.cpuUsage(loadCpu0);
    const serverCpu1 = processCpuS(child.pid);
    const mainCpu1 = processCpuS(child.pid, child.pid);
    const metrics = floor !== undefined ? '' : await (await fetch(`${url}/metrics`)).text();
    return {
      reqPerS: r.reqPerS,
      p99: r.p99,
      requests: r.ok,
      errors: r.errors,
      non2xx: r.non2xx,
      serverCpuS: serverCpu0 !== null && serverCpu1 !== null ? serverCpu1 - serverCpu0 : null,
      mainCpuS: mainCpu0 !== null && mainCpu1 !== null ? mainCpu1 - mainCpu0 : null,
      loadCpuS: (loadCpu.user + loadCpu.system) / 1e6,
      rowsPerCall: floor !== undefined ? 1 : rowsPerCall(metrics),
      reply,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

function checkLoad(what: string, load: LoadResult): void {
  const us = (s: number | null): string => (s === null ? 'n/a' : `${((s / load.requests) * 1e6).toFixed(0)} µs`);
  const others = load.serverCpuS !== null && load.mainCpuS !== null ? load.serverCpuS - load.mainCpuS : null;
  const cpu = `CPU a request: server ${us(load.serverCpuS)} (main thread ${us(load.mainCpuS)}, other threads ${us(others)}), load generator ${us(load.loadCpuS)}`;
  console.log(
    `check serving: ${what}, 64 keep-alive clients (bench/httpLoad.ts) × ${LOAD_SECONDS} s on loopback, p99 ${load.p99.toFixed(1)} ms: ${load.requests} answered, ${load.errors} errors, ${load.non2xx} non-2xx; ${cpu}; ${load.rowsPerCall.toFixed(1)} rows per onnxruntime call`,
  );
  if (load.errors || load.non2xx) throw new Error(`${what}: the load test saw errors`);
}

/** CPU seconds a call of `step`, over enough calls to pass 0.5 s. */
async function cpuPerCall(step: () => unknown): Promise<number> {
  for (let i = 0; i < 50; i++) await step();
  const start = process.cpuUsage();
  let calls = 0;
  let spent = 0;
  while (spent < 0.5) {
    for (let i = 0; i < 50; i++) await step();
    calls += 50;
    const used = process.cpuUsage(start);
    spent = (used.user + used.system) / 1e6;
  }
  return spent / calls;
}

/**
 * What no batching can take away from a request, measured in this run and printed as a `#` line:
 * the HTTP work alone (servingFloor.mjs, same body, the same reply text, same load generator) and
 * reading the body's numbers; beside it the inference a request costs at batch 1 and a row at
 * batch 64 (one thread), and the bound these put on the batched/unbatched ratio.
 */
async function servingFloor(file: string, body: string, reply: string, unbatched: LoadResult): Promise<void> {
  const floor = await serveAndLoad(file, body, [], reply);
  checkLoad('bare Fastify, same body, fixed reply (servingFloor.mjs)', floor);
  const bytes = Buffer.from(body);
  const read = await cpuPerCall(() => readInferBody(bytes));
  const { session } = await openSession(file, { provider: 'cpu', threads: 1 });
  const x = new Float32Array(MAX_BATCH * SIZES[0]).fill(0.5);
  const one = new ort.Tensor('float32', x.subarray(0, SIZES[0]), [1, SIZES[0]]);
  const many = new ort.Tensor('float32', x, [MAX_BATCH, SIZES[0]]);
  const i1 = await cpuPerCall(() => session.run({ x: one }));
  const ib = (await cpuPerCall(() => session.run({ x: many }))) / MAX_BATCH;
  await session.release();
  const us = (s: number): string => (s * 1e6).toFixed(0);
  const perRequest = (l: LoadResult): number => ((l.serverCpuS ?? NaN) + l.loadCpuS) / l.requests;
  const fixed = perRequest(floor) + read;
  const u = perRequest(unbatched);
  console.log(
    `# serving floor (CPU a request, this run): HTTP alone ${us((floor.serverCpuS ?? NaN) / floor.requests)} µs + load generator ${us(floor.loadCpuS / floor.requests)} µs + reading the body's ${SIZES[0]} numbers ${us(read)} µs = ${us(fixed)} µs that batching cannot remove; inference on one thread ${us(i1)} µs at batch 1, ${us(ib)} µs a row at batch ${MAX_BATCH}; the unbatched server costs ${us(u)} µs a request with its load generator, so a batched server that spent nothing beyond the floor would reach at most ${(u / fixed).toFixed(2)}× its throughput`,
  );
}

/** The digits CNN with seeded weights as an ONNX file, and one real test digit as the request body. */
function digitsCnn(dir: string): { file: string; body: string } {
  const model = resolveSpec(cnnSpec, { featureShape: [1, 28, 28], outputUnits: 10 });
  const file = path.join(dir, 'cnn.onnx');
  writeFileSync(file, buildInferenceGraph(model, initParams(model, 7), { task: 'classification' }));
  const digit = Array.from(loadDigits().test.x.subarray(0, 28 * 28));
  return {
    file,
    body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 1, 28, 28], datatype: 'FP32', data: digit }] }),
  };
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
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, SIZES[0]], datatype: 'FP32', data: row }] });
    const load = await serveAndLoad(file, body, ['--max-batch', '0']);
    checkLoad('weft serve-model', load);
    reportBench(
      'serving-http-infer-c64-b1 (peer: torch eval b1, in-process, no HTTP)',
      load.reqPerS,
      note ? null : (peer as TorchResult).calls_per_s,
      'req/s',
      true,
      note,
    );
    reportBench('serving-http-p99-c64-b1', load.p99, null, 'ms', false, 'no PyTorch HTTP server among the peers');

    const batchFlags = ['--max-batch', String(MAX_BATCH), '--max-queue-delay-ms', '0'];
    const batched = await serveAndLoad(file, body, batchFlags);
    checkLoad(`weft serve-model --max-batch ${MAX_BATCH}`, batched);
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

    await servingFloor(file, body, batched.reply, load);

    const cnn = digitsCnn(dir);
    const cnnAlone = await serveAndLoad(cnn.file, cnn.body, ['--max-batch', '0']);
    checkLoad('weft serve-model, digits CNN', cnnAlone);
    const cnnBatched = await serveAndLoad(cnn.file, cnn.body, batchFlags);
    checkLoad(`weft serve-model --max-batch ${MAX_BATCH}, digits CNN`, cnnBatched);
    reportBench(
      'serving-http-infer-c64-b1-cnn-batched (digits CNN; peer: the same server without batching)',
      cnnBatched.reqPerS,
      cnnAlone.reqPerS,
      'req/s',
      true,
    );
    reportBench(
      'serving-http-p99-c64-b1-cnn-batched (digits CNN; peer: the same server without batching)',
      cnnBatched.p99,
      cnnAlone.p99,
      'ms',
      false,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
