/**
 * Per-operator profile of the training bench's step graphs (the CPU trainer's gradients-only graph
 * of the MLP and the small CNN, or of the text-sequence bench's Embedding → LSTM/GRU model on 64
 * token ids), from onnxruntime's profiler: one thread on the whole batch, one thread on half of it
 * (a data-parallel worker's slice) and two intra-op threads on the whole batch.
 * Run by hand: `node --import tsx bench/stepProfile.ts [mlp|cnn|lstm|gru] [batch]`.
 *
 * Each node's time is the median over the profiled runs, so a run the scheduler preempted on a
 * shared host moves it little; the run times without the profiler are given as min / p10 / median.
 * The profiler adds about 10 µs per node, so small ops look slower here than they run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildTrainingGraph, initParams, packParams, resolveSpec } from '../core/common/model';
import { cnnSpec, mlpSpec, recurrentSpec } from './models';

const which = (['cnn', 'lstm', 'gru'] as const).find((w) => w === process.argv[2]) ?? 'mlp';
const sequence = which === 'lstm' || which === 'gru';
const batch = Number(process.argv[3] ?? (sequence ? 64 : 128));
const model = sequence
  ? resolveSpec(recurrentSpec(which), { featureShape: [64], outputUnits: 10 })
  : resolveSpec(which === 'mlp' ? mlpSpec : cnnSpec, { featureShape: [1, 28, 28], outputUnits: 10 });
const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
const graph = buildTrainingGraph(model, {
  loss: 'cross_entropy',
  optimizer: { kind: 'adam' },
  weightDecay: 0,
  clipNorm: 0,
  labelSmoothing: 0,
  seed: 1,
  gradientsOnly: true,
});
const params = packParams(initParams(model, 1).values);
const warmup = which === 'mlp' ? 30 : sequence ? 3 : 4;
const runs = which === 'mlp' ? 300 : sequence ? 15 : 30;

const feedsFor = (rows: number): Record<string, ort.Tensor> => ({
  [graph.inputName]: new ort.Tensor(
    'float32',
    new Float32Array(rows * rowSize).map((_, i) => (sequence ? (i * 7919) % 5000 : ((i * 7919) % 1000) / 1000)),
    [rows, ...model.inputShape],
  ),
  [graph.labelName!]: new ort.Tensor(
    'int32',
    new Int32Array(rows).map((_, i) => i % 10),
    [rows],
  ),
  params: new ort.Tensor('float32', params, [params.length]),
});

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  ts: number;
  args?: { op_name?: string };
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const quantile = (a: number[], p: number): number => [...a].sort((x, y) => x - y)[Math.floor(p * (a.length - 1))];

async function profile(rows: number, threads: number): Promise<{ byOp: Map<string, number>; line: string }> {
  const options: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'extended',
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  };
  const feeds = feedsFor(rows);
  const plain = await ort.InferenceSession.create(graph.onnx, options);
  for (let i = 0; i < warmup; i++) await plain.run(feeds);
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await plain.run(feeds);
    wall.push(performance.now() - t);
  }
  await plain.release();
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-profile-'));
  try {
    const s = await ort.InferenceSession.create(graph.onnx, {
      ...options,
      enableProfiling: true,
      profileFilePrefix: path.join(dir, 'step'),
    });
    for (let i = 0; i < warmup + runs; i++) await s.run(feeds);
    s.endProfiling();
    await s.release();
    const events = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]), 'utf8')) as ProfileEvent[];
    const steady = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(warmup);
    const from = steady[0].ts;
    const perNode = new Map<string, { op: string; d: number[] }>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < from) continue;
      const n = perNode.get(e.name) ?? { op: e.args?.op_name ?? '?', d: [] };
      n.d.push(e.dur);
      perNode.set(e.name, n);
    }
    const byOp = new Map<string, number>();
    for (const n of perNode.values()) byOp.set(n.op, (byOp.get(n.op) ?? 0) + median(n.d));
    const kernels = [...byOp.values()].reduce((a, b) => a + b, 0);
    const line =
      `${rows} rows, ${threads} thread(s): run without profiler min ${quantile(wall, 0).toFixed(3)} / p10 ${quantile(wall, 0.1).toFixed(3)} / median ${median(wall).toFixed(3)} ms; ` +
      `profiled run median ${(median(steady.map((e) => e.dur)) / 1000).toFixed(3)} ms, of which kernels ${(kernels / 1000).toFixed(3)} ms ` +
      `(${perNode.size} nodes; load ${loadavg()[0].toFixed(2)})`;
    return { byOp, line };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const half = Math.floor(batch / 2);
const columns = [
  { title: `1t×${batch}`, ...(await profile(batch, 1)) },
  { title: `1t×${half}`, ...(await profile(half, 1)) },
  { title: `2t×${batch}`, ...(await profile(batch, 2)) },
];
console.log(`# ${which} training step (gradients only), onnxruntime-node ${ort.env.versions.common}`);
for (const c of columns) console.log(`# ${c.line}`);
const ops = [...columns[0].byOp].sort((a, b) => b[1] - a[1]).map(([op]) => op);
console.log(`${'op (µs per step)'.padEnd(18)}${columns.map((c) => c.title.padStart(10)).join('')}`);
for (const op of ops) {
  console.log(`${op.padEnd(18)}${columns.map((c) => (c.byOp.get(op) ?? 0).toFixed(0).padStart(10)).join('')}`);
}
