/**
 * Training and inference throughput of the MLP (784-128-64-10) and the small CNN on 60,000 × 784
 * synthetic MNIST-shaped data, batch 128, Adam, against PyTorch CPU (Debian's python3-torch) with
 * the same thread count. Training: `warmup` untimed steps, then `steps` timed steps of the real
 * trainer loop (shuffled batches, outputs fed back as inputs). Inference: the baked-weights graph
 * (optimization level all) in batches of 1024. `WEFT_BENCH_THREADS` sets the threads of both sides (default 1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildInferenceGraph, initParams, packParams, resolveSpec, type ModelSpecValue } from '../core/common/model';
import { seededRandom } from '../core/common/nodes/prep/random';
import { CancelledError } from '../core/node/executors/Executor';
import { openSession } from '../core/node/onnx/session';
import { trainLoop } from '../core/node/training/trainLoop';
import { cnnSpec, mlpSpec } from './models';
import { describePeerEnv, peerEnv } from './peerEnv';
import { reportBench } from './report';

const N = 60_000;
const BATCH = 128;
const THREADS = Number(process.env.WEFT_BENCH_THREADS ?? 1);
const PYTHON = '/usr/bin/python3';
const here = path.dirname(new URL(import.meta.url).pathname);

const random = seededRandom(0);
const x = new Float32Array(N * 784);
for (let i = 0; i < x.length; i++) x[i] = random();
const y = new Int32Array(N);
for (let i = 0; i < N; i++) y[i] = Math.floor(random() * 10);

async function oursTrain(
  spec: ModelSpecValue,
  warmup: number,
  steps: number,
): Promise<{ rate: number; firstLoss: number }> {
  const model = resolveSpec(spec, { featureShape: [1, 28, 28], outputUnits: 10 });
  const controller = new AbortController();
  let t0 = 0;
  let t1 = 0;
  let firstLoss = NaN;
  try {
    await trainLoop({
      model,
      task: 'classification',
      train: { x, y, n: N },
      loss: 'cross_entropy',
      optimizer: { kind: 'adam' },
      epochs: 1,
      batchSize: BATCH,
      lr: 1e-3,
      schedule: { kind: 'constant' },
      shuffle: true,
      seed: 1,
      monitor: 'loss',
      patience: 0,
      minDelta: 0,
      restoreBest: false,
      provider: 'cpu',
      threads: THREADS,
      signal: controller.signal,
      onStep: (s, loss) => {
        if (s === 1) firstLoss = loss;
        if (s === warmup) t0 = performance.now();
        if (s === warmup + steps) {
          t1 = performance.now();
          controller.abort();
        }
      },
    });
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
  }
  return { rate: (steps * BATCH) / ((t1 - t0) / 1000), firstLoss };
}

async function oursInfer(spec: ModelSpecValue, rows: number): Promise<number> {
  const model = resolveSpec(spec, { featureShape: [1, 28, 28], outputUnits: 10 });
  const onnx = buildInferenceGraph(model, packParams(initParams(model, 1).values), { task: 'classification' });
  const { session } = await openSession(onnx, { provider: 'cpu', threads: THREADS, graphOptimizationLevel: 'all' });
  const ib = 1024;
  const run = (s: number): Promise<unknown> => {
    const e = Math.min(rows, s + ib);
    return session.run({ input: new ort.Tensor('float32', x.subarray(s * 784, e * 784), [e - s, 1, 28, 28]) });
  };
  try {
    for (let i = 0; i < 2; i++) await run(i * ib);
    const t = performance.now();
    for (let s = 0; s < rows; s += ib) await run(s);
    return rows / ((performance.now() - t) / 1000);
  } finally {
    await session.release();
  }
}

interface PeerResult {
  train: number;
  infer: number;
  torch: string;
  blas: string;
  first_loss: number;
}

function peer(kind: string, warmup: number, steps: number, inferRows: number): PeerResult | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const args = [
    path.join(here, 'training_pytorch.py'),
    kind,
    String(steps),
    String(warmup),
    String(BATCH),
    String(THREADS),
    String(N),
    String(inferRows),
  ];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 170_000, env: peerEnv(THREADS) });
  if (r.status !== 0)
    return /No module named .?torch/.test(r.stderr)
      ? 'PyTorch (python3-torch) is not installed'
      : `PyTorch peer failed: ${r.stderr.trim().split('\n').at(-1)}`;
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as PeerResult;
}

const cases = [
  { name: 'mlp', spec: mlpSpec, warmup: 30, steps: 400, inferRows: N },
  { name: 'cnn', spec: cnnSpec, warmup: 5, steps: 60, inferRows: 10_240 },
];
const ROUNDS = 2;
console.log(
  `# ${N} × 784 synthetic samples, batch ${BATCH}, Adam; ${THREADS} thread(s) on both sides (torch.set_num_threads(${THREADS}), onnxruntime intraOpNumThreads ${THREADS}); ` +
    `best of ${ROUNDS} alternating rounds (the host is shared and noisy); ${describePeerEnv(THREADS)}`,
);
for (const c of cases) {
  const ours = { train: 0, infer: 0 };
  const theirs = { train: 0, infer: 0 };
  let note: string | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const t = await oursTrain(c.spec, c.warmup, c.steps);
    ours.train = Math.max(ours.train, t.rate);
    ours.infer = Math.max(ours.infer, await oursInfer(c.spec, c.inferRows));
    if (note) continue;
    const p = peer(c.name, c.warmup, c.steps, c.inferRows);
    if (typeof p === 'string') {
      note = p;
      continue;
    }
    if (round === 0) {
      console.log(`# ${c.name}: PyTorch ${p.torch}, BLAS ${p.blas}`);
      const agree = Math.abs(t.firstLoss - p.first_loss) < 0.15;
      console.log(
        `# ${c.name}: first-step loss ours ${t.firstLoss.toFixed(4)}, PyTorch ${p.first_loss.toFixed(4)} (${agree ? 'agree' : 'DIFFER'}; both start near ln 10 = 2.3026 on random labels)`,
      );
    }
    theirs.train = Math.max(theirs.train, p.train);
    theirs.infer = Math.max(theirs.infer, p.infer);
  }
  reportBench(
    `train ${c.name} (batch ${BATCH}, Adam)`,
    ours.train,
    note ? null : theirs.train,
    'samples/s',
    true,
    note,
  );
  reportBench(`infer ${c.name} (batch 1024)`, ours.infer, note ? null : theirs.infer, 'samples/s', true, note);
}
