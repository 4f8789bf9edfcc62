/**
 * Trains the bench models on the committed digits split exactly as bench/digits_pytorch.py does
 * (Adam, lr 1e-3, batch 64, Glorot init, shuffled each epoch) and reads the recorded PyTorch runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveSpec } from '../../core/common/model';
import { trainLoop } from '../../core/node/training/trainLoop';
import { cnnSpec, mlpSpec } from '../models';
import { loadDigits, type DigitsSplit } from './digitsIdx';

export interface TorchRun {
  seed: number;
  train_loss: number[];
  test_accuracy: number;
  epoch_test_accuracy: number[];
  seconds: number;
}

export interface TorchFixture {
  torch: string;
  threads: number;
  config: Record<'mlp' | 'cnn', { epochs: number; batch_size: number; lr: number }>;
  models: Record<'mlp' | 'cnn', { runs: TorchRun[]; mean_test_accuracy: number; mean_train_loss: number[] }>;
}

export const FIXTURE = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../test/fixtures/pytorch/digits.json',
);

export function readFixture(): TorchFixture {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as TorchFixture;
}

export interface WeftRun {
  trainLoss: number[];
  testAccuracy: number[];
  seconds: number;
}

/** One Weft training run; the test split rides along as the validation split for per-epoch accuracy. */
export async function trainDigits(
  kind: 'mlp' | 'cnn',
  seed: number,
  opts: { epochs?: number; threads?: number; data?: { train: DigitsSplit; test: DigitsSplit } } = {},
): Promise<WeftRun> {
  const cfg = readFixture().config[kind];
  const { train, test } = opts.data ?? loadDigits();
  const model = resolveSpec(kind === 'mlp' ? mlpSpec : cnnSpec, { featureShape: [1, 28, 28], outputUnits: 10 });
  const t = performance.now();
  const r = await trainLoop({
    model,
    task: 'classification',
    train,
    validation: test,
    loss: 'cross_entropy',
    optimizer: { kind: 'adam', epsilon: 1e-8 },
    epochs: opts.epochs ?? cfg.epochs,
    batchSize: cfg.batch_size,
    lr: cfg.lr,
    schedule: { kind: 'constant' },
    shuffle: true,
    seed,
    monitor: 'loss',
    patience: 0,
    minDelta: 0,
    restoreBest: false,
    provider: 'cpu',
    threads: opts.threads ?? 1,
  });
  return {
    trainLoss: r.history.map((h) => h.metrics.loss),
    testAccuracy: r.history.map((h) => h.metrics.val_accuracy),
    seconds: (performance.now() - t) / 1000,
  };
}

/** Per-epoch [min, max] of the recorded PyTorch runs. */
export function torchBand(
  runs: TorchRun[],
  pick: (r: TorchRun) => number[],
): { lo: number[]; hi: number[]; mean: number[] } {
  const n = pick(runs[0]).length;
  const at = (i: number): number[] => runs.map((r) => pick(r)[i]);
  const idx = Array.from({ length: n }, (_, i) => i);
  return {
    lo: idx.map((i) => Math.min(...at(i))),
    hi: idx.map((i) => Math.max(...at(i))),
    mean: idx.map((i) => at(i).reduce((a, b) => a + b, 0) / runs.length),
  };
}
