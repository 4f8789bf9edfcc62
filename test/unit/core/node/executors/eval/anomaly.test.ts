import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetValue, MetricsValue, PredictionsValue, TrainedModelValue } from '../../../../../../core/common';
import type { LayerSpec, ModelSpecValue } from '../../../../../../core/common/model';
import { evalAnomalyParams } from '../../../../../../core/common/nodes/eval/anomaly';
import { evalClassificationParams } from '../../../../../../core/common/nodes/eval/classification';
import { seededRandom } from '../../../../../../core/common/nodes/prep/random';
import { trainerParams } from '../../../../../../core/common/nodes/train/trainer';
import type { ExecutorContext } from '../../../../../../core/node/executors/Executor';
import { evalAnomalyExecutor } from '../../../../../../core/node/executors/eval/anomaly';
import { evalClassificationExecutor } from '../../../../../../core/node/executors/eval/classification';
import { trainerExecutor } from '../../../../../../core/node/executors/train/trainer';
import { exportOnnx } from '../../../../../../core/node/export/exportOnnx';
import { rowsFromDataset } from '../../../../../../core/node/export/verifyRows';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-anomaly-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 8×8 images of one bar, in [0, 1]: horizontal (class 0) or vertical (class 1) as `kinds` says. */
function bars(n: number, seed: number, vertical: (i: number) => boolean): DatasetValue['splits'][string] {
  const r = seededRandom(seed);
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = vertical(i) ? 1 : 0;
    const at = Math.floor(r() * 8);
    for (let p = 0; p < 64; p++) {
      const on = y[i] === 0 ? Math.floor(p / 8) === at : p % 8 === at;
      x[i * 64 + p] = on ? 0.9 + 0.1 * r() : 0.1 * r();
    }
  }
  return { x, y, n };
}

// Normal rows are horizontal bars; the test split mixes in vertical ones, the anomalies.
const data: DatasetValue = {
  task: 'classification',
  featureShape: [1, 8, 8],
  classNames: ['horizontal', 'vertical'],
  targetName: 'bar',
  splits: { train: bars(300, 1, () => false), test: bars(60, 3, (i) => i % 3 === 0) },
  transforms: [],
};

function seq(...layers: LayerSpec[]): ModelSpecValue {
  const nodes = layers.map((layer, i) => ({ id: `l${i + 1}`, layer, inputs: [i === 0 ? 'input' : `l${i}`] }));
  return { format: 'weft.model', nodes, output: `l${layers.length}` };
}

function context<P>(inputs: Record<string, unknown>, params: P): ExecutorContext<P> {
  return {
    inputs,
    params,
    signal: new AbortController().signal,
    progress: () => undefined,
    log: () => undefined,
    epochMetrics: () => undefined,
    nodeId: 'node',
    workspace: dir,
    baseDir: dir,
  };
}

/** Σ −[t·ln q + (1 − t)·ln(1 − q)] over a row, q the output clamped to [1e-7, 1 − 1e-7]. */
function bceErrors(out: Float32Array, x: Float32Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < 64; j++) {
      const q = Math.min(Math.max(out[i * 64 + j], 1e-7), 1 - 1e-7);
      const t = x[i * 64 + j];
      s -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
    }
    return s;
  });
}

async function reconstruct(model: TrainedModelValue, x: Float32Array, n: number): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model.onnx);
  try {
    return (await s.run({ input: new ort.Tensor('float32', x, [n, 1, 8, 8]) })).output.data as Float32Array;
  } finally {
    await s.release();
  }
}

let ae: TrainedModelValue;

beforeAll(async () => {
  const spec = seq(
    { kind: 'flatten' },
    { kind: 'dense', units: 16, activation: 'relu' },
    { kind: 'dense', units: 4 },
    { kind: 'sampling', beta: 0.2 },
    { kind: 'dense', units: 16, activation: 'relu' },
    { kind: 'dense', units: 'auto', activation: 'sigmoid' },
  );
  const params = trainerParams.parse({
    epochs: 30,
    batchSize: 32,
    lr: 0.01,
    provider: 'cpu',
    threads: 1,
    target: 'input',
    loss: 'binary_cross_entropy',
    validationFraction: 0,
  });
  ae = (await trainerExecutor(context({ model: spec, data }, params))).outputs.model as TrainedModelValue;
}, 120_000);

describe('eval.anomaly', () => {
  it('scores rows by reconstruction error against the training quantile, and eval.classification gives its AUC', async () => {
    const res = await evalAnomalyExecutor(context({ model: ae, data }, evalAnomalyParams.parse({ quantile: 0.9 })));
    const predictions = res.outputs.predictions as PredictionsValue;
    const scorer = res.outputs.scorer as TrainedModelValue;

    // Oracle: errors recomputed from the autoencoder's own output, numpy's linear quantile by hand.
    const train = data.splits.train;
    const trainErr = bceErrors(await reconstruct(ae, train.x, train.n), train.x, train.n).sort((a, b) => a - b);
    const at = 0.9 * (train.n - 1);
    const lo = Math.floor(at);
    const tau = trainErr[lo] + (at - lo) * (trainErr[lo + 1] - trainErr[lo]);
    expect(res.summary?.metrics?.threshold).toBeCloseTo(tau, 3);
    const test = data.splits.test;
    const err = bceErrors(await reconstruct(ae, test.x, test.n), test.x, test.n);
    err.forEach((e, i) => {
      expect(predictions.probabilities![i * 2 + 1]).toBeCloseTo(e / (e + tau), 4);
      expect(predictions.predicted[i]).toBe(e > tau ? 1 : 0);
    });
    expect(Array.from(predictions.actual!)).toEqual(Array.from(test.y));
    expect(predictions.classNames).toEqual(['horizontal', 'vertical']);

    // ROC AUC = P(error of an anomaly > error of a normal row), Mann–Whitney by hand.
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < test.n; i++)
      for (let j = 0; j < test.n; j++)
        if (test.y[i] === 1 && test.y[j] === 0) {
          pairs++;
          wins += err[i] > err[j] ? 1 : err[i] === err[j] ? 0.5 : 0;
        }
    const metrics = (
      await evalClassificationExecutor(
        context({ model: scorer, data }, evalClassificationParams.parse({ split: 'test', topK: [] })),
      )
    ).outputs.metrics as MetricsValue;
    expect(metrics.scalars.roc_auc).toBeCloseTo(wins / pairs, 6);
    expect(metrics.scalars.roc_auc).toBeGreaterThan(0.9);

    const report = await exportOnnx(scorer, {
      file: path.join(dir, 'scorer.onnx'),
      rows: rowsFromDataset(data, 60, ['test'])!,
    });
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(report.labelMismatches).toBe(0);
  });

  it('takes the anomaly class by name, and names the classes when it is not one', async () => {
    const res = await evalAnomalyExecutor(
      context({ model: ae, data }, evalAnomalyParams.parse({ anomalyClass: 'horizontal' })),
    );
    const p = res.outputs.predictions as PredictionsValue;
    expect(p.classNames).toEqual(['normal', 'anomaly']);
    expect(Array.from(p.actual!)).toEqual(Array.from(data.splits.test.y, (c) => (c === 0 ? 1 : 0)));
    await expect(
      evalAnomalyExecutor(context({ model: ae, data }, evalAnomalyParams.parse({ anomalyClass: 'diagonal' }))),
    ).rejects.toThrow('anomalyClass "diagonal" is not a class of the dataset (horizontal, vertical)');
  });
});
