/**
 * Small data: the per-step overhead that dominates tiny tabular models. The iris-sized MLP
 * (4 features, 16 hidden ReLU, 3 classes), Adam, batch 16, on the bundled iris rows (standardized),
 * optimizer steps per second of the real trainer loop against PyTorch CPU (1 thread each side),
 * best of alternating rounds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSpec, type ModelSpecValue } from '../core/common/model';
import { CancelledError } from '../core/node/executors/Executor';
import { trainLoop } from '../core/node/training/trainLoop';
import { describePeerEnv, peerEnv } from './peerEnv';
import { reportBench } from './report';

const PYTHON = '/usr/bin/python3';
const here = path.dirname(new URL(import.meta.url).pathname);
const BATCH = 16;
const WARMUP = 200;
const STEPS = 3000;
const ROUNDS = 3;

function irisRows(): { x: Float32Array; y: Int32Array; n: number } {
  const lines = readFileSync(path.join(here, '..', 'resources', 'data', 'iris.csv'), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const labelCol = header.length - 1;
  const classes = [...new Set(rows.map((r) => r[labelCol]))].sort();
  const n = rows.length;
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let j = 0; j < 4; j++) {
    const col = rows.map((r) => Number(r[j]));
    const mean = col.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    col.forEach((v, i) => (x[i * 4 + j] = (v - mean) / std));
  }
  rows.forEach((r, i) => (y[i] = classes.indexOf(r[labelCol])));
  return { x, y, n };
}

const spec: ModelSpecValue = {
  format: 'weft.model',
  name: 'iris mlp 4-16-3',
  output: 'out',
  nodes: [
    { id: 'hidden', layer: { kind: 'dense', units: 16, activation: 'relu' }, inputs: ['input'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto', activation: 'softmax' }, inputs: ['hidden'] },
  ],
};

async function ours(data: { x: Float32Array; y: Int32Array; n: number }): Promise<number> {
  const model = resolveSpec(spec, { featureShape: [4], outputUnits: 3 });
  const controller = new AbortController();
  let t0 = 0;
  let t1 = 0;
  const epochs = Math.ceil((WARMUP + STEPS) / Math.ceil(data.n / BATCH)) + 1;
  try {
    await trainLoop({
      model,
      task: 'classification',
      train: data,
      loss: 'cross_entropy',
      optimizer: { kind: 'adam' },
      epochs,
      batchSize: BATCH,
      lr: 1e-2,
      schedule: { kind: 'constant' },
      shuffle: true,
      seed: 1,
      monitor: 'loss',
      patience: 0,
      minDelta: 0,
      restoreBest: false,
      provider: 'cpu',
      threads: 1,
      signal: controller.signal,
      onStep: (s) => {
        if (s === WARMUP) t0 = performance.now();
        if (s === WARMUP + STEPS) {
          t1 = performance.now();
          controller.abort();
        }
      },
    });
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
  }
  return STEPS / ((t1 - t0) / 1000);
}

function peer(
  data: { x: Float32Array; y: Int32Array; n: number },
  dir: string,
): { steps_per_s: number; torch: string; blas: string } | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const rows = new Float32Array(data.n * 5);
  for (let i = 0; i < data.n; i++) {
    rows.set(data.x.subarray(i * 4, i * 4 + 4), i * 5);
    rows[i * 5 + 4] = data.y[i]!;
  }
  const file = path.join(dir, 'iris.f32');
  writeFileSync(file, rows);
  const args = [
    path.join(here, 'smalldata_pytorch.py'),
    file,
    String(data.n),
    String(STEPS),
    String(WARMUP),
    String(BATCH),
    '1',
  ];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 120_000, env: peerEnv(1) });
  if (r.status !== 0)
    return /No module named .?torch/.test(r.stderr)
      ? 'PyTorch (python3-torch) is not installed'
      : `PyTorch peer failed: ${r.stderr.trim().split('\n').at(-1)}`;
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { steps_per_s: number; torch: string; blas: string };
}

const data = irisRows();
const dir = mkdtempSync(path.join(tmpdir(), 'weft-smalldata-'));
try {
  console.log(
    `# iris ${data.n} rows, MLP 4-16-3, Adam, batch ${BATCH}, ${STEPS} timed steps; 1 thread each side; best of ${ROUNDS} alternating rounds; ${describePeerEnv(1)}`,
  );
  let best = 0;
  let bestPeer = 0;
  let note: string | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    best = Math.max(best, await ours(data));
    if (note) continue;
    const p = peer(data, dir);
    if (typeof p === 'string') note = p;
    else {
      if (round === 0) console.log(`# PyTorch ${p.torch}, BLAS ${p.blas}`);
      bestPeer = Math.max(bestPeer, p.steps_per_s);
    }
  }
  reportBench('train iris mlp (batch 16, Adam)', best, note ? null : bestPeer, 'steps/s', true, note);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
