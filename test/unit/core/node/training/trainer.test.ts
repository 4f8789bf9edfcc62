import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { DatasetValue, TrainedModelValue } from '../../../../../core/common';
import { mlpParams, mlpSpec } from '../../../../../core/common/nodes/model/mlp';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';
import { trainerParams, type TrainerParams } from '../../../../../core/common/nodes/train/trainer';
import { CancelledError, UserError, type ExecutorResult } from '../../../../../core/node/executors/Executor';
import { trainerExecutor } from '../../../../../core/node/executors/train/trainer';

/** Three Gaussian blobs in 4-D, 300 rows: train 200, validation 50, test 50. */
function blobs(seed = 5): DatasetValue {
  const r = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centers = [
    [2, 0, 0, 1],
    [-2, 1, 0, -1],
    [0, -2, 2, 0],
  ];
  const make = (n: number) => {
    const x = new Float32Array(n * 4);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let j = 0; j < 4; j++) x[i * 4 + j] = centers[y[i]][j] + gauss();
    }
    return { x, y, n };
  };
  return {
    task: 'classification',
    featureShape: [4],
    featureNames: ['a', 'b', 'c', 'd'],
    classNames: ['red', 'green', 'blue'],
    targetName: 'colour',
    splits: { train: make(200), validation: make(50), test: make(50) },
    rawFeatures: ['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'number' as const })),
    transforms: [{ kind: 'standardize', column: 'a', mean: 0.5, std: 2 }],
    fingerprint: 'blobs-5',
  };
}

interface Run {
  result: ExecutorResult;
  model: TrainedModelValue;
  logs: string[];
  epochs: [number, Record<string, number>][];
  progress: number[];
}

async function train(
  params: Partial<TrainerParams>,
  opts: { data?: DatasetValue; signal?: AbortSignal; workspace?: string; onEpoch?: (e: number) => void } = {},
): Promise<Run> {
  const logs: string[] = [];
  const epochs: [number, Record<string, number>][] = [];
  const progress: number[] = [];
  const result = await trainerExecutor({
    inputs: { model: mlpSpec(mlpParams.parse({ hidden: [16] })), data: opts.data ?? blobs() },
    params: trainerParams.parse({ epochs: 4, batchSize: 32, lr: 0.01, provider: 'cpu', threads: 1, ...params }),
    signal: opts.signal ?? new AbortController().signal,
    progress: (f) => progress.push(f),
    log: (m) => logs.push(m),
    epochMetrics: (e, m) => {
      epochs.push([e, m]);
      opts.onEpoch?.(e);
    },
    nodeId: 'trainer',
    workspace: opts.workspace ?? mkdtempSync(path.join(tmpdir(), 'weft-train-')),
    baseDir: tmpdir(),
  });
  return { result, model: result.outputs.model as TrainedModelValue, logs, epochs, progress };
}

async function predict(model: TrainedModelValue, x: Float32Array, n: number): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model.onnx);
  try {
    const out = await s.run({ [model.inputName]: new ort.Tensor('float32', x, [n, ...model.featureShape]) });
    return out[model.outputName].data as Float32Array;
  } finally {
    await s.release();
  }
}

const flat = (m: TrainedModelValue): number[] => Object.values(m.weights).flatMap((w) => [...w]);

describe('train.trainer', () => {
  it('learns the blobs and fills the whole TrainedModel', async () => {
    const { model, epochs, result, progress } = await train({ epochs: 8 });
    expect(epochs.map(([e]) => e)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const [, m] of epochs)
      expect(Object.keys(m).sort()).toEqual(['accuracy', 'loss', 'lr', 'val_accuracy', 'val_loss']);
    expect(epochs.at(-1)![1].loss).toBeLessThan(epochs[0][1].loss);
    expect(epochs.at(-1)![1].val_accuracy).toBeGreaterThan(0.9);
    expect(progress.at(-1)).toBe(1);

    expect(model).toMatchObject({
      task: 'classification',
      featureShape: [4],
      featureNames: ['a', 'b', 'c', 'd'],
      classNames: ['red', 'green', 'blue'],
      targetName: 'colour',
      transforms: [{ kind: 'standardize', column: 'a', mean: 0.5, std: 2 }],
      inputName: 'input',
      outputName: 'output',
      provider: 'cpu',
      datasetFingerprint: 'blobs-5',
    });
    expect(model.rawFeatures).toHaveLength(4);
    expect(model.history).toHaveLength(8);
    expect(model.trainParams).toMatchObject({
      epochs: 8,
      batchSize: 32,
      optimizer: 'adam',
      seed: 42,
      loss: 'cross_entropy',
      validation: 'dataset',
      validationRows: 50,
    });
    expect(Object.keys(model.weights).sort()).toEqual([
      'mlp/dense1/bias',
      'mlp/dense1/kernel',
      'mlp/output/bias',
      'mlp/output/kernel',
    ]);
    expect(model.weights['mlp/dense1/kernel']).toHaveLength(4 * 16);
    expect(model.weights['mlp/output/kernel']).toHaveLength(16 * 3);
    expect((model.spec as { params: unknown[] }).params).toHaveLength(4);
    expect(result.summary?.provider).toBe('cpu');
    expect(result.summary?.text).toMatch(/8 epochs on cpu/);

    // The baked inference graph gives probabilities that agree with the reported validation accuracy.
    const val = blobs().splits.validation;
    const p = await predict(model, val.x, val.n);
    let right = 0;
    for (let i = 0; i < val.n; i++) {
      const row = [...p.subarray(i * 3, i * 3 + 3)];
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (row.indexOf(Math.max(...row)) === val.y[i]) right++;
    }
    expect(right / val.n).toBe(epochs.at(-1)![1].val_accuracy);
  });

  it('gives identical weights for the same seed and different ones for another seed', async () => {
    const a = await train({ seed: 3 });
    const b = await train({ seed: 3 });
    const c = await train({ seed: 4 });
    expect(flat(b.model)).toEqual(flat(a.model));
    expect(b.model.history).toEqual(a.model.history);
    expect(flat(c.model)).not.toEqual(flat(a.model));
  });

  it('early stopping halts after `patience` epochs without improvement and restores the best epoch', async () => {
    // minDelta 100 makes every epoch after the first count as no improvement.
    const stopped = await train({
      epochs: 10,
      earlyStopping: true,
      patience: 2,
      minDelta: 100,
      monitor: 'val_loss',
      restoreBest: true,
    });
    expect(stopped.epochs.map(([e]) => e)).toEqual([1, 2, 3]);
    expect(stopped.model.trainParams).toMatchObject({ stoppedEarly: true, weightsEpoch: 1 });
    expect(stopped.logs.some((l) => /early stopping after epoch 3/.test(l))).toBe(true);
    // Restored weights are those of a one-epoch run from the same seed.
    const one = await train({ epochs: 1 });
    expect(flat(stopped.model)).toEqual(flat(one.model));
    // Without restoreBest the last epoch's weights are kept.
    const last = await train({ epochs: 10, earlyStopping: true, patience: 2, minDelta: 100, restoreBest: false });
    const three = await train({ epochs: 3 });
    expect(flat(last.model)).toEqual(flat(three.model));
  });

  it('holds out validationFraction of the training rows when the dataset has no validation split', async () => {
    const data = blobs();
    delete data.splits.validation;
    const { model, epochs } = await train({ validationFraction: 0.25 }, { data });
    expect(model.trainParams).toMatchObject({ validation: 'holdout', trainRows: 150, validationRows: 50 });
    expect(epochs[0][1].val_loss).toBeGreaterThan(0);
    const none = await train({ validationFraction: 0 }, { data });
    expect(none.epochs[0][1].val_loss).toBeUndefined();
    expect(none.model.trainParams).toMatchObject({ monitor: 'loss', validation: 'none' });
    expect(none.logs.some((l) => /monitoring loss instead of val_loss/.test(l))).toBe(true);
  });

  it('cancellation between steps keeps the best weights so far in a checkpoint', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'weft-cancel-'));
    const controller = new AbortController();
    const run = train(
      { epochs: 50, monitor: 'loss' },
      { signal: controller.signal, workspace: ws, onEpoch: (e) => e === 2 && controller.abort() },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const saved = readFileSync(path.join(ws, 'trainer.best.onnx'));
    const two = await train({ epochs: 2 });
    expect(Buffer.from(two.model.onnx).equals(saved)).toBe(true);
  });

  it('reduce-on-plateau lowers the fed learning rate after plateauPatience epochs without improvement', async () => {
    const { epochs } = await train({
      epochs: 5,
      schedule: 'plateau',
      plateauPatience: 1,
      plateauFactor: 0.5,
      minDelta: 100,
    });
    // The rate of epoch e is the one its steps used; the reduction after epoch e shows from epoch e + 1.
    expect(epochs.map(([, m]) => m.lr)).toEqual([0.01, 0.01, 0.005, 0.0025, 0.00125]);
  });

  it('auto provider falls back to the CPU with a note where no GPU provider opens, and reports the provider', async () => {
    const { model, result, logs } = await train({ epochs: 1, provider: 'auto' });
    expect(['cpu', 'cuda', 'webgpu', 'dml', 'coreml']).toContain(model.provider);
    expect(result.summary?.provider).toBe(model.provider);
    const webgpuBundled = ort.listSupportedBackends().some((b) => b.name === 'webgpu' && b.bundled);
    if (model.provider === 'cpu' && webgpuBundled) expect(logs.some((l) => /^webgpu unavailable/.test(l))).toBe(true);
    const cuda = await train({ epochs: 1, provider: 'cuda' });
    if (cuda.model.provider === 'cpu') expect(cuda.logs.some((l) => /^cuda unavailable/.test(l))).toBe(true);
    expect(cuda.result.summary?.text).toContain(`on ${cuda.model.provider}`);
  });

  it('rejects a loss that does not fit the task and class weights of the wrong length', async () => {
    await expect(train({ loss: 'mse' })).rejects.toThrow(UserError);
    await expect(train({ classWeights: [1, 2] })).rejects.toThrow(/2 entries but the dataset has 3 classes/);
    const bad = blobs();
    bad.splits.train.y[7] = 3;
    await expect(train({}, { data: bad })).rejects.toThrow(/row 7 of the train split has class index 3, outside 0..2/);
    const balanced = await train({ epochs: 1, classWeights: 'balanced' });
    expect(balanced.model.history).toHaveLength(1);
  });

  it('trains a regression target with MSE, reporting losses only', async () => {
    const r = seededRandom(9);
    const make = (n: number) => {
      const x = Float32Array.from({ length: n * 3 }, () => r() * 2 - 1);
      const y = Float32Array.from({ length: n }, (_, i) => 2 * x[i * 3] - x[i * 3 + 1] + 0.5 * x[i * 3 + 2] + 0.3);
      return { x, y, n };
    };
    const data: DatasetValue = {
      task: 'regression',
      featureShape: [3],
      targetName: 'z',
      targetDim: 1,
      transforms: [],
      splits: { train: make(256), validation: make(64) },
    };
    const { model, epochs } = await train({ epochs: 30, lr: 0.02 }, { data });
    expect(model.trainParams).toMatchObject({ loss: 'mse' });
    expect(Object.keys(epochs[0][1]).sort()).toEqual(['loss', 'lr', 'val_loss']);
    // The target's variance is about 1.8; a fitted model explains nearly all of it.
    expect(epochs.at(-1)![1].val_loss).toBeLessThan(0.05);
    expect(epochs.at(-1)![1].val_loss).toBeLessThan(epochs[0][1].val_loss / 10);
  });

  it('checkpoint writes the best model so far whenever the monitored metric improves', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'weft-ckpt-'));
    const { result } = await train(
      { epochs: 3, checkpoint: true, monitor: 'loss', earlyStopping: false },
      { workspace: ws },
    );
    const file = path.join(ws, 'trainer.best.onnx');
    expect(result.summary?.files).toEqual([file]);
    const s = await ort.InferenceSession.create(readFileSync(file));
    expect(s.outputNames).toEqual(['output']);
    await s.release();
  });

  it('restoreBest restores only on validation data and says which epoch; without it the last weights stay', async () => {
    // minDelta 100: only epoch 1 counts as an improvement, so a restore would give epoch 1's weights.
    const data = blobs();
    delete data.splits.validation;
    const noVal = await train({ epochs: 3, minDelta: 100, restoreBest: true, validationFraction: 0 }, { data });
    const three = await train({ epochs: 3, restoreBest: false, validationFraction: 0 }, { data });
    expect(flat(noVal.model)).toEqual(flat(three.model));
    expect(noVal.model.trainParams).toMatchObject({ weightsEpoch: 3 });
    expect(noVal.logs.join('\n')).toMatch(
      /restoreBest keeps the last epoch's weights \(it restores only on validation data\)/,
    );
    const onLoss = await train({ epochs: 3, minDelta: 100, restoreBest: true, monitor: 'loss' });
    expect(onLoss.model.trainParams).toMatchObject({ weightsEpoch: 3 });
    const onVal = await train({ epochs: 3, minDelta: 100, restoreBest: true, monitor: 'val_loss' });
    expect(onVal.model.trainParams).toMatchObject({ weightsEpoch: 1 });
    expect(onVal.logs.join('\n')).toMatch(
      /restored the weights of epoch 1, the best val_loss \(\d\.\d{4}\); the last epoch was 3/,
    );
    expect(onVal.result.summary?.text).toMatch(/weights of epoch 1 \(restored: best val_loss\)/);
  });

  it('says so when the training loss is still falling steeply at the end', async () => {
    const slow = await train({ epochs: 4, lr: 0.001, earlyStopping: false });
    const losses = slow.epochs.map(([, m]) => m.loss);
    expect(losses[3]).toBeLessThan(losses[2] * 0.98);
    expect(slow.result.summary?.text).toMatch(/loss still decreasing: try more epochs or a higher learning rate/);
  });
});
