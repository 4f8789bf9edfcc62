/**
 * Sequence-model training throughput against PyTorch CPU at the same thread count (issue 20's
 * Measure section; runs with `npm run bench -- text`). Both sides train the same classifiers with
 * Adam (lr 1e-3), batch `BATCH`, on seeded synthetic token data (`N` sequences of `SEQ` ids below
 * `VOCAB`, `CLASSES` random labels):
 *   lstm:        Embedding(VOCAB, 128) → LSTM(128), last state → Dense(CLASSES)
 *   transformer: Embedding(VOCAB, 128) → one post-norm Transformer encoder block (4 heads, GELU
 *                feed-forward FF, dropout 0, no positional encoding, as layer.transformer) →
 *                mean over time → Dense(CLASSES)
 * Ours runs the real trainer loop (shuffled batches, outputs fed back as inputs); `warmup` steps
 * untimed, then `steps` timed. The host is shared, so each of `WEFT_BENCH_REPEATS` rounds (default 2)
 * times ours then the peer back to back, and the best round of each side counts; besides wall-clock
 * samples/s each side reports samples per CPU-second of its own process, which machine load
 * disturbs less. After each model a comment line gives the CPU time of the step's matrix products
 * alone (sequenceGemmFloor.ts), the bound on ours that no graph change can pass.
 * `WEFT_BENCH_THREADS` sets the threads of both sides (default 1);
 * `WEFT_BENCH_PART` picks `lstm`, `transformer` or both (default).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveSpec, type ModelSpecValue } from '../core/common/model';
import { seededRandom } from '../core/common/nodes/prep/random';
import { CancelledError } from '../core/node/executors/Executor';
import { trainLoop } from '../core/node/training/trainLoop';
import { describePeerEnv, peerEnv } from './peerEnv';
import { gemmFloor } from './sequenceGemmFloor';
import { reportBench } from './report';

const N = 4096;
const SEQ = 64;
const VOCAB = 5000;
const D = 128;
const HEADS = 4;
const FF = 128;
const CLASSES = 10;
const BATCH = 64;
const THREADS = Number(process.env.WEFT_BENCH_THREADS ?? 1);
const REPEATS = Number(process.env.WEFT_BENCH_REPEATS ?? 2);
const PART = process.env.WEFT_BENCH_PART ?? '';
const PYTHON = '/usr/bin/python3';
const here = path.dirname(new URL(import.meta.url).pathname);

const random = seededRandom(0);
const x = new Float32Array(N * SEQ);
for (let i = 0; i < x.length; i++) x[i] = Math.floor(random() * VOCAB);
const y = new Int32Array(N);
for (let i = 0; i < N; i++) y[i] = Math.floor(random() * CLASSES);
/** The mean number of different token ids in a batch (the rows the LSTM's input product runs over). */
const meanDistinct = ((): number => {
  let sum = 0;
  for (let b = 0; b < N / BATCH; b++) sum += new Set(x.subarray(b * BATCH * SEQ, (b + 1) * BATCH * SEQ)).size;
  return Math.round(sum / (N / BATCH));
})();

const lstmSpec: ModelSpecValue = {
  format: 'weft.model',
  name: 'embedding-lstm',
  output: 'out',
  nodes: [
    { id: 'emb', layer: { kind: 'embedding', vocabSize: VOCAB, dim: D }, inputs: ['input'] },
    { id: 'lstm', layer: { kind: 'lstm', units: D }, inputs: ['emb'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto', activation: 'softmax' }, inputs: ['lstm'] },
  ],
};

const transformerSpec: ModelSpecValue = {
  format: 'weft.model',
  name: 'embedding-transformer',
  output: 'out',
  nodes: [
    { id: 'emb', layer: { kind: 'embedding', vocabSize: VOCAB, dim: D }, inputs: ['input'] },
    { id: 'block', layer: { kind: 'transformer', heads: HEADS, ffDim: FF, dropout: 0 }, inputs: ['emb'] },
    { id: 'pool', layer: { kind: 'globalavgpool1d' }, inputs: ['block'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto', activation: 'softmax' }, inputs: ['pool'] },
  ],
};

interface Rates {
  train: number;
  train_cpu: number;
  first_loss: number;
}

interface PeerResult extends Rates {
  torch: string;
  blas: string;
  ran: string;
}

async function ours(spec: ModelSpecValue, warmup: number, steps: number): Promise<Rates> {
  const model = resolveSpec(spec, { featureShape: [SEQ], outputUnits: CLASSES });
  const controller = new AbortController();
  let t0 = 0;
  let t1 = 0;
  let c0 = 0;
  let c1 = 0;
  let firstLoss = NaN;
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  try {
    await trainLoop({
      model,
      task: 'classification',
      train: { x, y, n: N },
      loss: 'cross_entropy',
      optimizer: { kind: 'adam' },
      epochs: 100,
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
        if (s === warmup) {
          t0 = performance.now();
          c0 = cpu();
        }
        if (s === warmup + steps) {
          t1 = performance.now();
          c1 = cpu();
          controller.abort();
        }
      },
    });
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
  }
  return { train: (steps * BATCH) / ((t1 - t0) / 1000), train_cpu: (steps * BATCH) / (c1 - c0), first_loss: firstLoss };
}

function peer(kind: string, warmup: number, steps: number): PeerResult | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const width = kind === 'lstm' ? D : FF;
  const args = [steps, warmup, BATCH, THREADS, N, SEQ, VOCAB, D, width, HEADS, CLASSES].map(String);
  const r = spawnSync(PYTHON, [path.join(here, 'sequence_pytorch.py'), kind, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    env: peerEnv(THREADS),
  });
  if (r.status !== 0)
    return /No module named .?torch/.test(r.stderr)
      ? 'PyTorch (python3-torch) is not installed'
      : `PyTorch peer failed: ${(r.stderr || String(r.error)).trim().split('\n').at(-1)}`;
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as PeerResult;
}

const cases = [
  { name: 'lstm', label: `LSTM seq ${SEQ}, ${D} units`, spec: lstmSpec, warmup: 3, steps: 15 },
  {
    name: 'transformer',
    label: `Transformer encoder seq ${SEQ}, model ${D}, ${HEADS} heads, ff ${FF}`,
    spec: transformerSpec,
    warmup: 5,
    steps: 40,
  },
];

console.log(
  `# ${N} synthetic sequences of ${SEQ} token ids < ${VOCAB}, ${CLASSES} random classes, batch ${BATCH}, Adam lr 1e-3; ` +
    `${THREADS} thread(s) on both sides (torch.set_num_threads(${THREADS}), onnxruntime intraOpNumThreads ${THREADS}); ` +
    `best of ${REPEATS} rounds, ours then the peer in each; ${describePeerEnv(THREADS)}`,
);
console.log(
  `# host: ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at start (the machine is shared: compare the per-CPU-second lines when load exceeds the cores)`,
);
if (THREADS > 1 && os.loadavg()[0] + THREADS > os.cpus().length)
  console.log(
    `# warning: load ${os.loadavg()[0].toFixed(1)} leaves no ${THREADS} free cores; multi-thread figures are unreliable here (spin-waiting thread pools, OpenMP most of all, lose whole time slices)`,
  );
for (const c of cases) {
  if (PART && !PART.split(',').includes(c.name)) continue;
  const best = { ours: { train: 0, train_cpu: 0 }, peer: { train: 0, train_cpu: 0 } };
  let note: string | undefined;
  for (let round = 0; round < REPEATS; round++) {
    const t = await ours(c.spec, c.warmup, c.steps);
    best.ours.train = Math.max(best.ours.train, t.train);
    best.ours.train_cpu = Math.max(best.ours.train_cpu, t.train_cpu);
    if (note) continue;
    const p = peer(c.name, c.warmup, c.steps);
    if (typeof p === 'string') {
      note = p;
      continue;
    }
    if (round === 0) {
      console.log(`# ${c.name}: peer ran ${p.ran}; PyTorch ${p.torch}, BLAS ${p.blas}`);
      const agree = Math.abs(t.first_loss - p.first_loss) < 0.15;
      console.log(
        `# ${c.name}: first-step loss ours ${t.first_loss.toFixed(4)}, PyTorch ${p.first_loss.toFixed(4)} ` +
          `(${agree ? 'agree' : 'DIFFER'}; both start near ln ${CLASSES} = ${Math.log(CLASSES).toFixed(4)} on random labels)`,
      );
    }
    best.peer.train = Math.max(best.peer.train, p.train);
    best.peer.train_cpu = Math.max(best.peer.train_cpu, p.train_cpu);
  }
  const peerOr = (v: number): number | null => (note ? null : v);
  reportBench(
    `train ${c.label} (batch ${BATCH}, Adam, ${THREADS} thread(s))`,
    best.ours.train,
    peerOr(best.peer.train),
    'samples/s',
    true,
    note,
  );
  reportBench(
    `train ${c.label} per CPU-second (batch ${BATCH}, Adam, ${THREADS} thread(s))`,
    best.ours.train_cpu,
    peerOr(best.peer.train_cpu),
    'samples/CPU-s',
    true,
    note,
  );
  const floor = await gemmFloor(c.name as 'lstm' | 'transformer', THREADS, meanDistinct);
  const bound = BATCH / floor.cpu;
  console.log(
    `# ${c.name}: the step's ${floor.products} matrix products alone (${floor.gflop.toFixed(2)} GFLOP, same shapes${c.name === 'lstm' ? `, the input product's over the ${meanDistinct} different ids of a mean batch` : ''}, onnxruntime MLAS, ` +
      `least CPU time of 10 runs) take ${(floor.cpu * 1000).toFixed(1)} ms: at most ${bound.toFixed(0)} samples/CPU-s ` +
      `whatever else the step costs (${(best.ours.train_cpu / bound).toFixed(2)} of it reached)` +
      (note ? '' : `, so at most ${(bound / best.peer.train_cpu).toFixed(2)}× the peer per CPU-second`),
  );
}
console.log(
  `# load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at end; target ≥ 1.5× PyTorch`,
);
