/**
 * Hyperparameter search on the bundled digits (resources/data/digits), with a fast objective so it
 * runs in minutes on a loaded machine: an MLP on the digits average-pooled to 14×14, 2,000 training
 * and 1,000 validation rows, trained by the real trainer (Adam, batch 64, 1 thread); the objective is
 * the best validation accuracy over its epochs. Space: lr log 1e-4..0.3, hidden in
 * {[16], [32], [64], [32, 32]}, dropout 0..0.5.
 * (a) TPE (5 random warm-up trials) against random search: mean best validation accuracy over 5
 *     seeds after 10, 20 and 40 trials of 4 epochs (a trial's proposals depend only on earlier
 *     trials, so the first 10 of a 40-trial search are a 10-trial search).
 * (b) ASHA (grace 1, η 3, 9 epochs: rungs at 1 and 3) against training every trial for 9 epochs:
 *     the same 27 random proposals per seed, 3 seeds; epochs trained and mean best accuracy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatasetValue } from '../core/common';
import { mlpSpec, mlpParams } from '../core/common/nodes/model/mlp';
import { seededRandom, shuffleInPlace } from '../core/common/nodes/prep/random';
import { trainerParams } from '../core/common/nodes/train/trainer';
import { dimensionSchema, type Config } from '../core/common/search/space';
import { CancelledError } from '../core/node/executors/Executor';
import { trainSpec } from '../core/node/executors/train/trainer';
import { searchLoop, type TrialResult } from '../core/node/search/searchLoop';
import { loadDigits } from './digits/digitsIdx';
import { reportBench } from './report';

const dims = [
  { node: 'train', param: 'lr', type: 'float', low: 1e-4, high: 0.3, scale: 'log' },
  { node: 'mlp', param: 'hidden', type: 'choice', choices: [[16], [32], [64], [32, 32]] },
  { node: 'mlp', param: 'dropout', type: 'float', low: 0, high: 0.5 },
].map((d) => dimensionSchema.parse(d));

function pooledDigits(): DatasetValue {
  const { train } = loadDigits();
  const order = shuffleInPlace(
    Array.from({ length: train.n }, (_, i) => i),
    seededRandom(7),
  );
  const take = (rows: number[]) => {
    const x = new Float32Array(rows.length * 196);
    const y = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      y[i] = train.y[r];
      for (let a = 0; a < 14; a++)
        for (let b = 0; b < 14; b++) {
          let s = 0;
          for (const [da, db] of [
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 1],
          ] as const)
            s += train.x[r * 784 + (2 * a + da) * 28 + 2 * b + db];
          x[i * 196 + a * 14 + b] = s / 4;
        }
    });
    return { x, y, n: rows.length };
  };
  return {
    task: 'classification',
    featureShape: [196],
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    splits: { train: take(order.slice(0, 2000)), validation: take(order.slice(2000, 3000)) },
    transforms: [],
  };
}

const data = pooledDigits();
const workspace = mkdtempSync(path.join(tmpdir(), 'weft-search-bench-'));

/** One trial: train the MLP for `epochs`, reporting validation accuracy each epoch; stop when `report` says so. */
async function trial(config: Config, epochs: number, report: (e: number, v: number) => boolean): Promise<TrialResult> {
  const [lr, hidden, dropout] = config as [number, number[], number];
  const controller = new AbortController();
  let best = 0;
  let trained = 0;
  let pruned = false;
  try {
    await trainSpec(
      {
        signal: controller.signal,
        progress: () => undefined,
        log: () => undefined,
        epochMetrics: (epoch, m) => {
          trained = epoch;
          best = Math.max(best, m.val_accuracy ?? 0);
          if (!report(epoch, m.val_accuracy ?? 0)) {
            pruned = true;
            controller.abort();
          }
        },
        workspace,
        nodeId: 'bench',
      },
      mlpSpec(mlpParams.parse({ hidden, dropout })),
      data,
      trainerParams.parse({ epochs, batchSize: 64, lr, seed: 1, provider: 'cpu', threads: 1, monitor: 'val_accuracy' }),
      'bench',
    );
  } catch (e) {
    if (!(e instanceof CancelledError) || !pruned) return { status: 'failed', epochs: trained, reason: String(e) };
  }
  return pruned ? { status: 'pruned', epochs: trained } : { status: 'finished', objective: best, epochs: trained };
}

async function search(algorithm: 'tpe' | 'random', seed: number, trials: number, epochs: number, asha: boolean) {
  return searchLoop({
    dims,
    algorithm,
    trials,
    maxMs: 0,
    workers: 1,
    seed,
    tpe: { gamma: 0.25, candidates: 24, warmup: 5 },
    gridPoints: 5,
    maximize: true,
    ...(asha ? { asha: { epochs: [1, 3], eta: 3, higherIsBetter: true } } : {}),
    done: [],
    signal: new AbortController().signal,
    runTrial: (_i, config, report) => trial(config, epochs, report),
  });
}

const bestAfter = (entries: { index: number; objective?: number; status: string }[], n: number): number =>
  Math.max(0, ...entries.filter((e) => e.index < n && e.status === 'finished').map((e) => e.objective as number));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

const seeds = [1, 2, 3, 4, 5];
const tpe: number[][] = [];
const rnd: number[][] = [];
for (const seed of seeds) {
  const t = (await search('tpe', seed, 40, 4, false)).entries;
  const r = (await search('random', seed, 40, 4, false)).entries;
  tpe.push([10, 20, 40].map((n) => bestAfter(t, n)));
  rnd.push([10, 20, 40].map((n) => bestAfter(r, n)));
  console.log(
    `# seed ${seed}: tpe ${tpe
      .at(-1)
      ?.map((v) => v.toFixed(4))
      .join(' ')}, random ${rnd
      .at(-1)
      ?.map((v) => v.toFixed(4))
      .join(' ')}`,
  );
}
[10, 20, 40].forEach((n, k) =>
  reportBench(
    `search_tpe_vs_random_${n}_trials_best_val_accuracy`,
    100 * mean(tpe.map((s) => s[k])),
    100 * mean(rnd.map((s) => s[k])),
    '%',
    true,
  ),
);

const ashaRuns: { epochs: number; best: number }[] = [];
const fullRuns: { epochs: number; best: number }[] = [];
for (const seed of [1, 2, 3]) {
  for (const [asha, out] of [
    [true, ashaRuns],
    [false, fullRuns],
  ] as const) {
    const { entries } = await search('random', seed, 27, 9, asha);
    out.push({ epochs: entries.reduce((n, e) => n + e.epochs, 0), best: bestAfter(entries, 27) });
  }
  console.log(
    `# seed ${seed}: asha ${ashaRuns.at(-1)?.epochs} epochs, best ${ashaRuns.at(-1)?.best.toFixed(4)}; full ${fullRuns.at(-1)?.epochs} epochs, best ${fullRuns.at(-1)?.best.toFixed(4)}`,
  );
}
reportBench(
  'search_asha_vs_full_epochs_trained',
  mean(ashaRuns.map((r) => r.epochs)),
  mean(fullRuns.map((r) => r.epochs)),
  'epochs',
  false,
);
reportBench(
  'search_asha_vs_full_best_val_accuracy',
  100 * mean(ashaRuns.map((r) => r.best)),
  100 * mean(fullRuns.map((r) => r.best)),
  '%',
  true,
);
rmSync(workspace, { recursive: true, force: true });
