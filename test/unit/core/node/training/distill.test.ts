import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { DatasetValue, TrainedModelValue } from '../../../../../core/common';
import { mlpParams, mlpSpec } from '../../../../../core/common/nodes/model/mlp';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';
import { trainerParams, type TrainerParams } from '../../../../../core/common/nodes/train/trainer';
import { UserError } from '../../../../../core/node/executors/Executor';
import { trainerExecutor } from '../../../../../core/node/executors/train/trainer';

/** Four overlapping Gaussian blobs in 6-D (train 400, test 200): a teacher's soft labels carry real information. */
function blobs(classes = 4, seed = 9): DatasetValue {
  const r = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: classes }, () => Array.from({ length: 6 }, () => 2 * gauss()));
  const make = (n: number) => {
    const x = new Float32Array(n * 6);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % classes;
      for (let j = 0; j < 6; j++) x[i * 6 + j] = centers[y[i]][j] + 1.5 * gauss();
    }
    return { x, y, n };
  };
  return {
    task: 'classification',
    featureShape: [6],
    featureNames: ['a', 'b', 'c', 'd', 'e', 'f'],
    classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
    splits: { train: make(400), test: make(200) },
    transforms: [{ kind: 'standardize', column: 'a', mean: 0, std: 1 }],
  };
}

async function train(
  hidden: number[],
  data: DatasetValue,
  params: Partial<TrainerParams>,
  extra: { teacher?: TrainedModelValue } = {},
): Promise<TrainedModelValue> {
  const result = await trainerExecutor({
    inputs: { model: mlpSpec(mlpParams.parse({ hidden })), data, ...extra },
    params: trainerParams.parse({
      epochs: 15,
      batchSize: 32,
      lr: 0.01,
      validationFraction: 0,
      provider: 'cpu',
      threads: 1,
      ...params,
    }),
    signal: new AbortController().signal,
    progress: () => undefined,
    log: () => undefined,
    epochMetrics: () => undefined,
    nodeId: 'trainer',
    workspace: mkdtempSync(path.join(tmpdir(), 'weft-distill-')),
    baseDir: tmpdir(),
  });
  return result.outputs.model as TrainedModelValue;
}

async function probabilities(model: TrainedModelValue, x: Float32Array, n: number): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model.onnx);
  try {
    const out = await s.run({ [model.inputName]: new ort.Tensor('float32', x, [n, ...model.featureShape]) });
    return out[model.outputName].data as Float32Array;
  } finally {
    await s.release();
  }
}

/** Mean KL(softmax(log p_t / T) ‖ softmax(log p_s / T)) over rows, from the two models' probabilities. */
function softKl(pt: Float32Array, ps: Float32Array, k: number, T: number): number {
  const soften = (p: Float32Array, i: number): number[] => {
    const z = Array.from(p.subarray(i * k, (i + 1) * k), (v) => Math.log(Math.max(v, 1e-30)) / T);
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  let total = 0;
  const n = pt.length / k;
  for (let i = 0; i < n; i++) {
    const a = soften(pt, i);
    const b = soften(ps, i);
    for (let c = 0; c < k; c++) total += a[c] * Math.log(a[c] / b[c]);
  }
  return total / n;
}

describe('knowledge distillation in train.trainer', () => {
  it('a student trained only on the teacher term (alpha 0) matches the teacher’s soft labels better than one trained without', async () => {
    const data = blobs();
    const teacher = await train([64, 32], data, { epochs: 25, seed: 1 });
    const test = data.splits.test;
    const pt = await probabilities(teacher, test.x, test.n);
    const T = 4;
    const plain = await train([4], data, { seed: 2 });
    const distilled = await train([4], data, { seed: 2, alpha: 0, temperature: T }, { teacher });
    const klPlain = softKl(pt, await probabilities(plain, test.x, test.n), 4, T);
    const klDistilled = softKl(pt, await probabilities(distilled, test.x, test.n), 4, T);
    expect(distilled.trainParams.distilled).toBe(true);
    expect(klDistilled).toBeLessThan(0.6 * klPlain);
  }, 60_000);

  it('keeps each row with its own teacher logits through the held-out split and the per-epoch shuffle', async () => {
    const data = blobs();
    const shift = (y: Int32Array): Int32Array => y.map((c) => (c + 1) % 4);
    const train0 = data.splits.train;
    const shifted = { ...data, splits: { ...data.splits, train: { ...train0, y: shift(train0.y as Int32Array) } } };
    // A teacher that names every blob one class further on: only its logits can teach a student that.
    const teacher = await train([32], shifted, { epochs: 20, seed: 1 });
    const student = await train(
      [8],
      data,
      { seed: 4, alpha: 0, temperature: 1, validationFraction: 0.25, restoreBest: false },
      { teacher },
    );
    const test = data.splits.test;
    const argmax = (p: Float32Array): number[] =>
      Array.from({ length: test.n }, (_, i) => {
        const row = Array.from(p.subarray(i * 4, i * 4 + 4));
        return row.indexOf(Math.max(...row));
      });
    const t = argmax(await probabilities(teacher, test.x, test.n));
    const s = argmax(await probabilities(student, test.x, test.n));
    const share = (f: (i: number) => boolean): number =>
      Array.from({ length: test.n }, (_, i) => f(i)).filter(Boolean).length / test.n;
    expect(share((i) => t[i] === (test.y[i] + 1) % 4)).toBeGreaterThan(0.7);
    expect(share((i) => s[i] === t[i])).toBeGreaterThan(0.85);
    expect(share((i) => s[i] === test.y[i])).toBeLessThan(0.2);
    expect(student.trainParams.validation).toBe('holdout');
  }, 60_000);

  it('alpha 1 leaves only the task loss: the same weights as training without a teacher', async () => {
    const data = blobs();
    const teacher = await train([16], data, { epochs: 3, seed: 1 });
    const plain = await train([8], data, { epochs: 3, seed: 3 });
    const alpha1 = await train([8], data, { epochs: 3, seed: 3, alpha: 1 }, { teacher });
    const w = plain.weights['mlp/dense1/kernel'];
    const v = alpha1.weights['mlp/dense1/kernel'];
    let worst = 0;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i] - v[i]));
    expect(worst).toBeLessThan(1e-5);
  }, 60_000);

  it('refuses a teacher with another number of classes, naming both', async () => {
    const teacher = await train([8], blobs(3), { epochs: 1 });
    const err = await train([4], blobs(4), { epochs: 1 }, { teacher }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/teacher predicts 3 classes.*'c2'.*dataset has 4.*'c3'/);
  }, 30_000);

  it('refuses a teacher trained on differently prepared data, naming both preparations', async () => {
    const data = blobs();
    const teacher = await train(
      [8],
      { ...data, transforms: [{ kind: 'standardize', column: 'a', mean: 1.5, std: 2 }] },
      {
        epochs: 1,
      },
    );
    const err = await train([4], data, { epochs: 1 }, { teacher }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/teacher was trained on data prepared differently.*mean 1\.5.*mean 0/);
  }, 30_000);
});
