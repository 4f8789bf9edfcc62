/**
 * Inference throughput of an MLP 784-128-64-10 (softmax head) with the same seeded weights on both
 * sides: onnxruntime in-process (what `model.onnx` and `weft serve-model` run) against PyTorch eval
 * (Debian python3-torch, `torch.no_grad()`), same thread count, same inputs; then `weft serve-model`
 * in its own process under 64 concurrent keep-alive clients on loopback (requests/s and p99; the
 * clients are bench/httpLoad.c, a native generator like Triton's perf_analyzer, or
 * bench/httpLoad.ts without a C compiler), without and with dynamic batching (the unbatched server
 * is the batched one's peer).
 * The first rows' probabilities of both runtimes are compared before any number is reported.
 *
 * Each batched/unbatched pair runs three servers at once, loaded in turn for ROUNDS short rounds
 * so that on a shared machine each meets the same mix of other work: the unbatched server with one
 * intra-op thread (Weft's default without batching) and with one a core (no spinning either way),
 * the peer being whichever answered more, and the batched one (all cores but one). Besides the
 * whole-run ratio, a check line gives the ratio round by round.
 * The pairs: the bench MLP with JSON bodies and with the binary tensor data extension (the row as
 * 3,136 little-endian bytes after a JSON header); the digits CNN of bench/models.ts (conv 3×3×16,
 * pool, conv 3×3×32, pool, dense 10; seeded weights, one real test digit a request); and two larger
 * MLPs (784-512-512-10 and 784-2048-2048-10, 0.67 M and 5.8 M weights) where batch-1 inference
 * weighs more against the HTTP work. Each load run also prints the CPU seconds of the server process
 * (its main thread, which runs the HTTP work and inference, and its other threads) and of the load
 * generator. After each pair a `#` line splits the CPU a request costs into HTTP, load generator,
 * body reading, the rest of the server and inference, and gives the bound on the ratio that follows
 * (see servingFloor).
 *
 * SERVING_PAIRS (comma-separated) runs only some parts: `onnx` (the in-process onnxruntime/PyTorch
 * lines), `mlp`, `binary`, `cnn`, `large` (784-512-512-10) and `xl` (784-2048-2048-10); the `#`
 * floor lines of `cnn`, `large` and `xl` take their HTTP floor from the `mlp` pair and are left
 * out without it. Unset: everything.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { buildInferenceGraph, initParams, resolveSpec } from '../core/common/model';
import { encodeModelData } from '../core/common/model/onnx/encodeModel';
import { openSession } from '../core/node/onnx/session';
import { binaryTensor } from '../core/node/serving/binaryData';
import { readInferBody } from '../core/node/serving/inferBody';
import { mlpModel, seededValues } from '../test/unit/core/node/onnx/onnxFiles';
import { loadDigits } from './digits/digitsIdx';
import { generator, httpLoad } from './httpLoad';
import { cnnSpec } from './models';
import { peerEnv } from './peerEnv';
import { reportBench } from './report';

const PYTHON = '/usr/bin/python3';
const SIZES = [784, 128, 64, 10];
/** The larger MLP of the later load lines (about 0.67 M weights against 0.11 M). */
const LARGE_SIZES = [784, 512, 512, 10];
/**
 * The largest MLP, 5.8 M weights (Inception v3 of Triton's dynamic batching example has 24 M):
 * a model whose batch-1 inference (about 0.5 ms on one core here) outweighs the HTTP work.
 */
const XL_SIZES = [784, 2048, 2048, 10];
const ROWS = 4096;
const BATCH = 256;
const SECONDS = 3;
const LOAD_SECONDS = 8;
/** Rounds a load run is split into, taken in turn with the other servers of its pair. */
const ROUNDS = 8;
const MAX_BATCH = 64;
const THREADS = availableParallelism();
const PARTS = ['onnx', 'mlp', 'binary', 'cnn', 'large', 'xl'];
const chosenParts = process.env.SERVING_PAIRS?.split(',').map((p) => p.trim());
const unknownPart = chosenParts?.find((p) => !PARTS.includes(p));
if (unknownPart) throw new Error(`SERVING_PAIRS: no part "${unknownPart}"; the parts are ${PARTS.join(', ')}`);
const runs = (part: string): boolean => !chosenParts || chosenParts.includes(part);
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
  /** Over all rounds. */
  reqPerS: number;
  /** The median of the rounds' p99 latencies, in ms. */
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** CPU seconds of the server process during the load (null where /proc is absent). */
  serverCpuS: number | null;
  /** Of which its main thread's. */
  mainCpuS: number | null;
  /** CPU seconds of the load generator during the load. */
  loadCpuS: number;
  /** onnxruntime intra-op threads of the server's session, from its start line (0 for the bare floor server). */
  threads: number;
  /** Requests/s of each round (loadInTurn). */
  rates: number[];
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

/** One request body as the load generator sends it. */
interface Payload {
  body: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A server started for the bench, idle until a load round reaches it. */
interface Running {
  child: ChildProcess;
  url: string;
  inferUrl: string;
  floor: boolean;
  /** onnxruntime intra-op threads, from its start line (0 for the bare floor server). */
  threads: number;
  reply: string;
}

/** Starts `weft serve-model file flags`, or with `floor` set the bare server of servingFloor.mjs answering `floor`. */
async function startServer(file: string, payload: Payload, flags: string[], floor?: string): Promise<Running> {
  const { body, contentType = 'application/json', headers = {} } = payload;
  const child = spawn(
    process.execPath,
    floor !== undefined
      ? [path.join(here, 'servingFloor.mjs'), floor]
      : [path.join(here, '..', 'bin', 'weft.js'), 'serve-model', file, '--port', '0', '--provider', 'cpu', ...flags],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving \S+ on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`weft serve-model exited with ${code}`)));
    });
    const inferUrl = `${url}/v2/models/${path.basename(file, '.onnx')}/infer`;
    const reply = await (
      await fetch(inferUrl, {
        method: 'POST',
        headers: { 'content-type': contentType, ...headers },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      })
    ).text();
    await httpLoad({ url: inferUrl, body, contentType, headers, connections: 64, seconds: 1 });
    const threads = Number(/(\d+) intra-op thread/.exec(out)?.[1] ?? 0);
    return { child, url, inferUrl, floor: floor !== undefined, threads, reply };
  } catch (e) {
    child.kill('SIGTERM');
    throw e;
  }
}

/**
 * Loads the servers in turn, ROUNDS rounds of LOAD_SECONDS / ROUNDS seconds each, so that on a
 * shared machine every server meets the same mix of other work; a throughput ratio is then taken
 * round by round as well as over the whole run. Stops the servers.
 */
async function loadInTurn(servers: Running[], payload: Payload): Promise<LoadResult[]> {
  const { body, contentType = 'application/json', headers = {} } = payload;
  const sums = servers.map(() => ({
    ok: 0,
    seconds: 0,
    errors: 0,
    non2xx: 0,
    server: 0,
    main: 0,
    load: 0,
    p99: [] as number[],
    rates: [] as number[],
  }));
  let cpuKnown = true;
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (const [k, s] of servers.entries()) {
        const serverCpu0 = processCpuS(s.child.pid);
        const mainCpu0 = processCpuS(s.child.pid, s.child.pid);
        const r = await httpLoad({
          url: s.inferUrl,
          body,
          contentType,
          headers,
          connections: 64,
          seconds: LOAD_SECONDS / ROUNDS,
        });
        const serverCpu1 = processCpuS(s.child.pid);
        const mainCpu1 = processCpuS(s.child.pid, s.child.pid);
        if (serverCpu0 === null || serverCpu1 === null || mainCpu0 === null || mainCpu1 === null) cpuKnown = false;
        const sum = sums[k];
        sum.ok += r.ok;
        sum.seconds += (r.ok + r.non2xx) / r.reqPerS;
        sum.errors += r.errors;
        sum.non2xx += r.non2xx;
        sum.server += (serverCpu1 ?? 0) - (serverCpu0 ?? 0);
        sum.main += (mainCpu1 ?? 0) - (mainCpu0 ?? 0);
        sum.load += r.cpuS;
        sum.p99.push(r.p99);
        sum.rates.push(r.reqPerS);
      }
    const results: LoadResult[] = [];
    for (const [k, s] of servers.entries()) {
      const sum = sums[k];
      const metrics = s.floor ? '' : await (await fetch(`${s.url}/metrics`)).text();
      results.push({
        reqPerS: (sum.ok + sum.non2xx) / sum.seconds,
        p99: median(sum.p99),
        rates: sum.rates,
        requests: sum.ok,
        errors: sum.errors,
        non2xx: sum.non2xx,
        serverCpuS: cpuKnown ? sum.server : null,
        mainCpuS: cpuKnown ? sum.main : null,
        loadCpuS: sum.load,
        threads: s.threads,
        rowsPerCall: s.floor ? 1 : rowsPerCall(metrics),
        reply: s.reply,
      });
    }
    return results;
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
  }
}

function median(v: number[]): number {
  const sorted = [...v].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function checkLoad(what: string, load: LoadResult): void {
  const us = (s: number | null): string => (s === null ? 'n/a' : `${((s / load.requests) * 1e6).toFixed(0)} µs`);
  const others = load.serverCpuS !== null && load.mainCpuS !== null ? load.serverCpuS - load.mainCpuS : null;
  const cpu = `CPU a request: server ${us(load.serverCpuS)} (main thread ${us(load.mainCpuS)}, other threads ${us(others)}), load generator ${us(load.loadCpuS)}`;
  console.log(
    `check serving: ${what}${load.threads ? ` (${load.threads} intra-op thread${load.threads > 1 ? 's' : ''}, no spinning)` : ''}, 64 keep-alive clients × ${LOAD_SECONDS} s on loopback, p99 ${load.p99.toFixed(1)} ms: ${load.requests} answered, ${load.errors} errors, ${load.non2xx} non-2xx; ${cpu}; ${load.rowsPerCall.toFixed(1)} rows per onnxruntime call`,
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

/** What the floor line is about: a model, its input, the body sent and how reading it is timed. */
interface FloorCase {
  label: string;
  file: string;
  input: string;
  /** The input's shape beyond the batch dimension. */
  row: number[];
  payload: Payload;
  /** Reads the body as the server does (JSON, or JSON header and binary part). */
  read: () => unknown;
}

/**
 * What no batching can take away from a request, measured in this run and printed as a `#` line:
 * the HTTP work alone (servingFloor.mjs, same body, the same reply text, same load generator) and
 * reading the body; beside it the inference a request costs at batch 1 (I1) and a row at batch 64
 * (Ib, one thread), what that leaves for the rest of the unbatched server's work, and the CPU a
 * request of the unbatched (U) and batched (B) servers with their load generator. With the CPU as
 * the bottleneck the throughput ratio is U / B. A batched server that spent nothing but HTTP, the
 * load generator, reading the body and Ib would reach about U / (HTTP + load + reading + Ib) (an
 * estimate: the floor comes from a separate run, and under load a run's CPU a request moves). For a
 * model whose batch-1 inference costs I, and a row at batch 64 k·I (k = Ib / I1 of this model), the
 * measured pair gives (U − I1 + I) / (B − Ib + k·I), which is 3 from I = (3(B − Ib) − (U − I1)) /
 * (1 − 3k) on.
 */
async function servingFloor(c: FloorCase, unbatched: LoadResult, batched: LoadResult, bare: LoadResult): Promise<void> {
  const read = await cpuPerCall(c.read);
  const { session } = await openSession(c.file, { provider: 'cpu', threads: 1 });
  const width = c.row.reduce((a, b) => a * b, 1);
  const x = new Float32Array(MAX_BATCH * width).fill(0.5);
  const one = new ort.Tensor('float32', x.subarray(0, width), [1, ...c.row]);
  const many = new ort.Tensor('float32', x, [MAX_BATCH, ...c.row]);
  const i1 = await cpuPerCall(() => session.run({ [c.input]: one }));
  const ib = (await cpuPerCall(() => session.run({ [c.input]: many }))) / MAX_BATCH;
  await session.release();
  const us = (s: number): string => (s * 1e6).toFixed(0);
  const perRequest = (l: LoadResult): number => ((l.serverCpuS ?? NaN) + l.loadCpuS) / l.requests;
  const http = (bare.serverCpuS ?? NaN) / bare.requests;
  const gen = bare.loadCpuS / bare.requests;
  const u = perRequest(unbatched);
  const b = perRequest(batched);
  const rest = u - http - gen - read - i1;
  const k = ib / i1;
  const needed = (3 * (b - ib) - (u - i1)) / (1 - 3 * k);
  console.log(
    `# serving floor, ${c.label} (CPU a request, this run): HTTP alone ${us(http)} µs + load generator ${us(gen)} µs + reading the body ${us(read)} µs + the rest of the unbatched server's work ${us(rest)} µs + inference on one thread ${us(i1)} µs at batch 1 (${us(ib)} µs a row at batch ${MAX_BATCH}) = ${us(u)} µs unbatched; batched ${us(b)} µs, a CPU ratio of ${(u / b).toFixed(2)}; a batched server that spent nothing but HTTP, load generator, reading and ${us(ib)} µs of inference would reach about ${(u / (http + gen + read + ib)).toFixed(2)}×; with these servers' other costs, ${k >= 1 / 3 ? '3× needs a model that batches better' : needed <= 0 ? 'their other costs alone give 3× whatever the inference costs' : `3× needs batch-1 inference of at least ${us(needed)} µs a request`} (this one: ${us(i1)} µs)`,
  );
}

/** One FP32 row as a binary tensor data request (JSON header, then the row's little-endian bytes). */
function binaryPayload(input: string, row: Float32Array): Payload & { body: Buffer } {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        { name: input, shape: [1, row.length], datatype: 'FP32', parameters: { binary_data_size: row.byteLength } },
      ],
    }),
  );
  const data = Buffer.from(row.buffer, row.byteOffset, row.byteLength);
  return {
    body: Buffer.concat([header, data]),
    contentType: 'application/octet-stream',
    headers: { 'inference-header-content-length': String(header.length) },
  };
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

    const peer = runs('onnx') ? torchPeer(dir, flatWeights, x) : 'the onnx part was not run (SERVING_PAIRS)';
    const note = typeof peer === 'string' ? peer : undefined;
    if (runs('onnx')) {
      const { session } = await openSession(file, { provider: 'cpu', threads: THREADS });
      const feed = (start: number, n: number): ort.Tensor =>
        new ort.Tensor('float32', x.subarray(start * SIZES[0], (start + n) * SIZES[0]), [n, SIZES[0]]);
      const batches = ROWS / BATCH;
      const ours = await timed(async (i) => void (await session.run({ x: feed((i % batches) * BATCH, BATCH) })), BATCH);
      const oursOne = await timed(async (i) => void (await session.run({ x: feed(i % ROWS, 1) })), 1);
      const first = (await session.run({ x: feed(0, 8) })).probabilities.data as Float32Array;
      await session.release();
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
    }

    const row = Array.from(x.subarray(0, SIZES[0]));
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, SIZES[0]], datatype: 'FP32', data: row }] });
    console.log(`check serving: load generator ${generator()}`);
    const batchFlags = ['--max-batch', String(MAX_BATCH), '--max-queue-delay-ms', '0'];
    /**
     * Batched against unbatched on one model and body, the servers loaded in turn: the unbatched
     * one with one intra-op thread (Weft's default without batching) and with one a core, the
     * peer being whichever answered more; the batched one likewise with its default (all cores but one) and with one a core.
     */
    const pair = async (
      label: string,
      suffix: string,
      model: string,
      payload: Payload,
      /** Also load the bare server of servingFloor.mjs, answering the batched server's reply, in turn with the others. */
      withFloor = false,
    ): Promise<{ alone: LoadResult; oneThread: LoadResult; batched: LoadResult; floor?: LoadResult }> => {
      const threads = THREADS > 1 ? [1, THREADS] : [1];
      const servers: Running[] = [];
      for (const t of threads)
        servers.push(await startServer(model, payload, ['--max-batch', '0', '--threads', String(t)]));
      // Batched too at its best: its default (all cores but one) and one intra-op thread a core.
      const batchThreads = [...new Set([Math.max(1, THREADS - 1), THREADS])];
      for (const t of batchThreads)
        servers.push(await startServer(model, payload, [...batchFlags, '--threads', String(t)]));
      if (withFloor) servers.push(await startServer(model, payload, [], servers[servers.length - 1].reply));
      const loads = await loadInTurn(servers, payload);
      const floor = withFloor ? loads.pop() : undefined;
      if (floor) checkLoad(`bare Fastify, same body, fixed reply (servingFloor.mjs), ${label}`, floor);
      const batchedLoads = loads.splice(threads.length);
      for (const l of loads) checkLoad(`weft serve-model, ${label}, no batching`, l);
      for (const l of batchedLoads) checkLoad(`weft serve-model --max-batch ${MAX_BATCH}, ${label}`, l);
      const best = (ls: LoadResult[]): LoadResult => ls.reduce((x, y) => (y.reqPerS > x.reqPerS ? y : x));
      const batched = best(batchedLoads);
      const alone = best(loads);
      const shown = loads.map((l) => `${l.threads} thread${l.threads > 1 ? 's' : ''} ${l.reqPerS.toFixed(0)} req/s`);
      const ratios = batched.rates.map((r, i) => r / alone.rates[i]);
      console.log(
        `check serving: ${label}, batched over unbatched (${alone.threads} thread${alone.threads > 1 ? 's' : ''}) round by round: ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)})`,
      );
      const shownBatched = batchedLoads.map(
        (l) => `${l.threads} thread${l.threads > 1 ? 's' : ''} ${l.reqPerS.toFixed(0)} req/s`,
      );
      reportBench(
        `serving-http-infer-c64-b1${suffix}-batched (${label}; ours: the better of ${shownBatched.join(' and ')}; peer: the same server without batching, the better of ${shown.join(' and ')}, no spinning)`,
        batched.reqPerS,
        alone.reqPerS,
        'req/s',
        true,
      );
      reportBench(
        `serving-http-p99-c64-b1${suffix}-batched (${label}; peer: the same unbatched server as above)`,
        batched.p99,
        alone.p99,
        'ms',
        false,
      );
      return { alone, oneThread: loads[0], batched, ...(floor ? { floor } : {}) };
    };

    const mlpLabel = `MLP ${SIZES.join('-')}, JSON`;
    const bodyBytes = Buffer.from(body);
    const mlpFloor: FloorCase = {
      label: mlpLabel,
      file,
      input: 'x',
      row: [SIZES[0]],
      payload: { body },
      read: () => readInferBody(bodyBytes),
    };
    /** The HTTP floor of the JSON pairs, from the `mlp` pair (absent when SERVING_PAIRS leaves it out). */
    let jsonFloor: LoadResult | undefined;
    if (runs('mlp')) {
      const mlp = await pair(mlpLabel, '', file, { body }, true);
      reportBench(
        'serving-http-infer-c64-b1 (one intra-op thread; peer: torch eval b1, in-process, no HTTP)',
        mlp.oneThread.reqPerS,
        note ? null : (peer as TorchResult).calls_per_s,
        'req/s',
        true,
        note,
      );
      reportBench(
        'serving-http-p99-c64-b1 (one intra-op thread)',
        mlp.oneThread.p99,
        null,
        'ms',
        false,
        'no PyTorch HTTP server among the peers',
      );
      jsonFloor = mlp.floor!;
      await servingFloor(mlpFloor, mlp.alone, mlp.batched, jsonFloor);
    }

    if (runs('binary')) {
      // The same requests with the binary tensor data extension (Triton's and KServe's clients).
      const binary = binaryPayload('x', x.subarray(0, SIZES[0]));
      const binaryLabel = `MLP ${SIZES.join('-')}, binary tensor data`;
      const bin = await pair(binaryLabel, '-binary', file, binary, true);
      const bytes = Buffer.from(binary.body);
      const headerBytes = Number(binary.headers?.['inference-header-content-length']);
      await servingFloor(
        {
          ...mlpFloor,
          label: binaryLabel,
          payload: { ...binary, contentType: 'application/octet-stream' },
          read: () => {
            readInferBody(bytes.subarray(0, headerBytes));
            binaryTensor('FP32', bytes.subarray(headerBytes), [1, SIZES[0]], 'x', false);
          },
        },
        bin.alone,
        bin.batched,
        bin.floor!,
      );
    }

    if (runs('cnn')) {
      const cnn = digitsCnn(dir);
      const cnnPair = await pair('digits CNN, JSON', '-cnn', cnn.file, { body: cnn.body });
      const cnnBytes = Buffer.from(cnn.body);
      if (jsonFloor)
        await servingFloor(
          {
            label: 'digits CNN, JSON (HTTP and load generator: the MLP JSON floor run)',
            file: cnn.file,
            input: 'input',
            row: [1, 28, 28],
            payload: { body: cnn.body },
            read: () => readInferBody(cnnBytes),
          },
          cnnPair.alone,
          cnnPair.batched,
          jsonFloor,
        );
    }

    // Larger MLPs, so batch-1 inference weighs more against the per-request HTTP work.
    for (const [part, sizes] of [
      ['large', LARGE_SIZES],
      ['xl', XL_SIZES],
    ] as const) {
      if (!runs(part)) continue;
      const name = sizes.join('-');
      const weightCount = sizes.slice(1).reduce((a, n, i) => a + n * (sizes[i] + 1), 0);
      const model = path.join(dir, `mlp-${name}.onnx`);
      writeFileSync(model, encodeModelData(mlpModel(sizes, 7).model));
      const label = `MLP ${name} (${(weightCount / 1e6).toFixed(2)} M weights), JSON`;
      const big = await pair(label, `-mlp${name}`, model, { body });
      if (jsonFloor)
        await servingFloor(
          { ...mlpFloor, label: `${label} (HTTP and load generator: the MLP JSON floor run)`, file: model },
          big.alone,
          big.batched,
          jsonFloor,
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
