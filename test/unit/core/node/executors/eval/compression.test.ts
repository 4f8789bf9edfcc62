/**
 * eval.compression on a teacher, a distilled student, a magnitude-pruned teacher and an int8 teacher
 * trained on Gaussian blobs: every figure in the report is measured again here another way
 * (accuracy from onnxruntime's own output and the labels, parameters from the trained weights,
 * size from the bytes written to disk).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompressionValue, DatasetValue, MetricsValue, TrainedModelValue } from '../../../../../../core/common';
import { evalCompressionParams } from '../../../../../../core/common/nodes/eval/compression';
import { mlpParams, mlpSpec } from '../../../../../../core/common/nodes/model/mlp';
import { pruneParams } from '../../../../../../core/common/nodes/opt/prune';
import { optQuantizeParams } from '../../../../../../core/common/nodes/opt/quantize';
import { seededRandom } from '../../../../../../core/common/nodes/prep/random';
import { trainerParams, type TrainerParams } from '../../../../../../core/common/nodes/train/trainer';
import { evalCompressionExecutor } from '../../../../../../core/node/executors/eval/compression';
import { UserError } from '../../../../../../core/node/executors/Executor';
import { pruneExecutor } from '../../../../../../core/node/executors/opt/prune';
import { optQuantizeExecutor } from '../../../../../../core/node/executors/opt/quantize';
import { trainerExecutor } from '../../../../../../core/node/executors/train/trainer';
import { executorContext } from '../../../../../fixtures/executorContext';

function blobs(classNames = ['a', 'b', 'c', 'd'], seed = 5): DatasetValue {
  const k = classNames.length;
  const r = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: k }, () => Array.from({ length: 8 }, () => 1.5 * gauss()));
  const make = (n: number) => {
    const x = new Float32Array(n * 8);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % k;
      for (let j = 0; j < 8; j++) x[i * 8 + j] = centers[y[i]][j] + gauss();
    }
    return { x, y, n };
  };
  return {
    task: 'classification',
    featureShape: [8],
    featureNames: ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'],
    classNames,
    splits: { train: make(480), test: make(300) },
    transforms: [{ kind: 'standardize', column: 'f1', mean: 0, std: 1 }],
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'weft-compression-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(
  hidden: number[],
  data: DatasetValue,
  p: Partial<TrainerParams> = {},
  extra: Record<string, unknown> = {},
): Promise<TrainedModelValue> {
  const params = trainerParams.parse({ epochs: 10, batchSize: 32, lr: 0.01, provider: 'cpu', threads: 1, ...p });
  const r = await trainerExecutor({
    ...executorContext(params, { dir, inputs: { model: mlpSpec(mlpParams.parse({ hidden })), data, ...extra } }),
  });
  return r.outputs.model as TrainedModelValue;
}

let data: DatasetValue;
let teacher: TrainedModelValue;
let student: TrainedModelValue;
let pruned: TrainedModelValue;
let int8: TrainedModelValue;

beforeAll(async () => {
  data = blobs();
  teacher = await train([64, 32], data, { seed: 1 });
  student = await train([8], data, { seed: 2, temperature: 4, alpha: 0.5 }, { teacher });
  const p = await pruneExecutor(
    executorContext(pruneParams.parse({ sparsity: 0.7 }), { dir, inputs: { model: teacher, data } }),
  );
  pruned = p.outputs.model as TrainedModelValue;
  const q = await optQuantizeExecutor(
    executorContext(optQuantizeParams.parse({ calibrationRows: 480 }), { dir, inputs: { model: teacher, data } }),
  );
  int8 = q.outputs.model as TrainedModelValue;
}, 120_000);

async function report(
  inputs: Record<string, unknown>,
  params: Partial<typeof evalCompressionParams._input> = {},
  logs: string[] = [],
) {
  const ctx = executorContext(evalCompressionParams.parse(params), {
    dir,
    inputs,
    nodeId: 'report',
    log: (m) => logs.push(m),
  });
  ctx.inputSources = Object.fromEntries(
    Object.keys(inputs)
      .filter((k) => k.startsWith('model'))
      .map((k) => [k, { node: `${(inputs[k] as TrainedModelValue).trainParams.seed}-${k}`, port: 'model' }]),
  );
  return evalCompressionExecutor(ctx);
}

async function accuracyByHand(model: TrainedModelValue, d: DatasetValue): Promise<number> {
  const test = d.splits.test;
  const s = await ort.InferenceSession.create(model.onnx);
  try {
    const out = await s.run({ [model.inputName]: new ort.Tensor('float32', test.x, [test.n, 8]) });
    const p = out[model.outputName].data as Float32Array;
    const k = p.length / test.n;
    let hits = 0;
    for (let i = 0; i < test.n; i++) {
      const row = Array.from(p.subarray(i * k, (i + 1) * k));
      if (row.indexOf(Math.max(...row)) === test.y[i]) hits++;
    }
    return hits / test.n;
  } finally {
    await s.release();
  }
}

const weightsOf = (m: TrainedModelValue): Float32Array[] => Object.values(m.weights);
const total = (ws: Float32Array[]): number => ws.reduce((a, w) => a + w.length, 0);
const nonzero = (ws: Float32Array[]): number => ws.reduce((a, w) => a + w.filter((v) => v !== 0).length, 0);

describe('eval.compression', () => {
  it('times one model connected twice alike (each timed in both orders, the lower median kept)', async () => {
    const r = await report({ model1: teacher, model2: teacher, data });
    const [a, b] = (r.outputs.metrics as MetricsValue).compression!.models;
    expect(b.id).toBe('1-model2');
    expect(a.batch1Ms / b.batch1Ms).toBeGreaterThan(0.5);
    expect(a.batch1Ms / b.batch1Ms).toBeLessThan(2);
  }, 30_000);

  it('reports accuracy, parameters, file size and latency of each model as measured independently', async () => {
    const r = await report({ model1: teacher, model2: student, model3: pruned, model4: int8, data });
    const c = (r.outputs.metrics as MetricsValue).compression as CompressionValue;
    expect(c.models.map((m) => m.id)).toEqual(['1-model1', '2-model2', '1-model3', '1-model4']);
    expect(c.models.map((m) => m.kind)).toEqual(['float32', 'distilled', 'pruned (magnitude 70%)', 'int8 static QDQ']);
    expect(c.rows).toBe(300);
    const models = [teacher, student, pruned, int8];
    for (const [i, m] of c.models.entries()) {
      expect(m.accuracy).toBe(await accuracyByHand(models[i], data));
      const file = path.join(dir, `m${i}.onnx`);
      writeFileSync(file, models[i].onnx);
      expect(m.bytes).toBe(statSync(file).size);
      expect(m.batch1Ms).toBeGreaterThan(0);
      // latencies are measured, not checked against each other: tests never assert on timings
      expect(m.batch256Ms).toBeGreaterThan(0);
    }
    // Parameters: the trainer's weights (the int8 model keeps the teacher's count, its scales not counted).
    const [t, s, p, q] = c.models;
    expect(t.parameters).toBe(total(weightsOf(teacher)));
    expect(t.parameters).toBe(8 * 64 + 64 + 64 * 32 + 32 + 32 * 4 + 4);
    expect(s.parameters).toBe(total(weightsOf(student)));
    expect(p.parameters).toBe(t.parameters);
    expect(p.nonzero).toBe(nonzero(weightsOf(pruned)));
    expect(p.nonzero).toBeLessThan(0.4 * p.parameters);
    expect(q.parameters).toBe(t.parameters);
    expect(q.bytes).toBeLessThan(t.bytes);
    expect(t.nonzero).toBe(nonzero(weightsOf(teacher)));
    // The CLI text holds the same figures.
    const text = r.summary!.text!;
    expect(text).toContain(`${(s.accuracy * 100).toFixed(2)}%`);
    expect(text).toContain(String(s.parameters));
    expect(text).toContain(String(q.bytes));
    expect(text).toContain(`${(t.parameters / s.parameters).toFixed(2)}×`);
    expect(r.summary!.metrics!['2-model2.parameters']).toBe(s.parameters);
  }, 60_000);

  it('warns when a model falls more than maxAccuracyDrop below model1', async () => {
    const drop = (await accuracyByHand(teacher, data)) - (await accuracyByHand(pruned, data));
    expect(drop).toBeGreaterThan(0.02);
    const logs: string[] = [];
    const r = await report({ model1: teacher, model2: student, model3: pruned, data }, {}, logs);
    const c = (r.outputs.metrics as MetricsValue).compression!;
    expect(c.warnings).toEqual([
      `1-model3 is ${(drop * 100).toFixed(2)} points below 1-model1 in accuracy (more than maxAccuracyDrop 2.00)`,
    ]);
    expect(logs).toEqual(c.warnings);
    expect(r.summary!.text).toContain(`warning: ${c.warnings[0]}`);
    const none = await report({ model1: teacher, model2: pruned, data }, { maxAccuracyDrop: drop + 0.001 });
    expect((none.outputs.metrics as MetricsValue).compression!.warnings).toEqual([]);
  }, 30_000);

  it('refuses a model trained on other class names or another preparation, saying what differs', async () => {
    const renamed = await train([8], blobs(['a', 'b', 'c', 'e']), { epochs: 1 });
    const err = await report({ model1: teacher, model2: renamed, data }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/model2.*class names differ.*'e'.*'d'/);
    const rescaled = await train(
      [8],
      { ...data, transforms: [{ kind: 'standardize', column: 'f1', mean: 2, std: 3 }] },
      { epochs: 1 },
    );
    const err2 = await report({ model1: rescaled, model2: teacher, data }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(UserError);
    expect((err2 as Error).message).toMatch(/model1.*prepared differently.*mean 2.*mean 0/);
  }, 30_000);

  it('needs model1, the reference', async () => {
    const err = await report({ model2: teacher, data }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/connect the reference model .* to model1/);
  });
});
