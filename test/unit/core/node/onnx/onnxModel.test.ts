import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue, MetricsValue, PredictionsValue, TrainedModelValue } from '../../../../../core/common';
import { onnxModelParams } from '../../../../../core/common/nodes/model/onnx';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import type { ExecutorContext } from '../../../../../core/node/executors/Executor';
import { onnxModelExecutor } from '../../../../../core/node/executors/model/onnx';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { rowsFromDataset } from '../../../../../core/node/export/verifyRows';
import { executorContext } from '../../../../fixtures/executorContext';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { forward, tinyModel } from '../export/tinyModel';
import { affine, linearModel, softmax, tempDir, writeModel } from './onnxFiles';

const dir = tempDir('weft-model-onnx-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(path.resolve('resources/data/iris.csv'), path.join(dir, 'iris.csv'));

// Petal length and width separate the species; sepals are ignored.
const W = [
  [0, 0, 0],
  [0, 0, 0],
  [-2, 0.5, 1.5],
  [-3, 1, 3],
];
const B = [6, 0, -7];

const ctx = (
  params: Record<string, unknown>,
  inputs: Record<string, unknown> = {},
): ExecutorContext<ReturnType<typeof onnxModelParams.parse>> =>
  executorContext(onnxModelParams.parse(params), { dir, inputs, nodeId: 'm' });

function expectProbabilities(p: PredictionsValue, x: Float32Array, w: number[][], b: number[]): void {
  const k = b.length;
  const f = w.length;
  for (let i = 0; i < p.n; i++) {
    const want = softmax(affine(Array.from(x.subarray(i * f, (i + 1) * f)), w, b));
    for (let c = 0; c < k; c++) expect(p.probabilities![i * k + c]).toBeCloseTo(want[c], 5);
    expect(p.predicted[i]).toBe(want.indexOf(Math.max(...want)));
  }
}

describe('model.onnx in a pipeline', () => {
  const doc = pipeline(
    [
      { id: 'csv', type: 'data.csv', params: { path: 'iris.csv' } },
      { id: 'split', type: 'prep.split', params: { target: 'species', seed: 5 } },
      { id: 'onnx', type: 'model.onnx', params: { path: 'iris.onnx', provider: 'cpu' } },
      { id: 'predict', type: 'eval.predict', params: {} },
      { id: 'score', type: 'eval.classification', params: {} },
    ],
    [
      'csv.table->split.table',
      'split.dataset->onnx.data',
      'onnx.model->predict.model',
      'split.dataset->predict.data',
      'onnx.model->score.model',
      'split.dataset->score.data',
    ],
  );
  const engine = createDefaultEngine(dir);

  it('runs the file on the test split, reports its inputs and outputs, and feeds eval nodes as a trained model', async () => {
    writeModel(dir, 'iris.onnx', linearModel(W, B, { softmax: true }));
    const outcome = await engine.run(doc, { baseDir: dir, workspace: dir });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation));
    expect(Object.values(outcome.report.nodes).map((n) => n.error ?? n.status)).toEqual([
      'done',
      'done',
      'done',
      'done',
      'done',
    ]);
    const summary = outcome.report.nodes.onnx.summary!;
    expect(summary.provider).toBe('cpu');
    expect(summary.text).toContain('inputs: x float32 [N, 4]');
    expect(summary.text).toContain('outputs: y float32 [N, 3]');

    const data = (await outcome.load('split'))!.outputs.dataset as DatasetValue;
    const test = data.splits.test;
    const fromNode = (await outcome.load('onnx'))!.outputs.predictions as PredictionsValue;
    expect(fromNode.n).toBe(test.n);
    expect(fromNode.classNames).toEqual(data.classNames);
    expectProbabilities(fromNode, test.x, W, B);
    const model = (await outcome.load('onnx'))!.outputs.model as TrainedModelValue;
    expect(model.featureShape).toEqual([4]);
    const viaPredict = (await outcome.load('predict'))!.outputs.predictions as PredictionsValue;
    expectProbabilities(viaPredict, test.x, W, B);
    const metrics = (await outcome.load('score'))!.outputs.metrics as MetricsValue;
    let right = 0;
    for (let i = 0; i < test.n; i++) right += fromNode.predicted[i] === test.y[i] ? 1 : 0;
    expect(metrics.scalars.accuracy).toBeCloseTo(right / test.n, 12);
  });

  it('re-runs when the file changes and serves from cache when it does not', async () => {
    writeModel(dir, 'iris.onnx', linearModel(W, B, { softmax: true }));
    await engine.run(doc, { baseDir: dir, workspace: dir });
    const again = await engine.run(doc, { baseDir: dir, workspace: dir });
    if (!again.ok) throw new Error('invalid');
    expect(again.report.nodes.onnx.status).toBe('cached');
    const W2 = W.map((r) => r.map((v) => -v));
    writeModel(dir, 'iris.onnx', linearModel(W2, B, { softmax: true }));
    const changed = await engine.run(doc, { baseDir: dir, workspace: dir });
    if (!changed.ok) throw new Error('invalid');
    expect(changed.report.nodes.onnx.status).toBe('done');
    const data = (await changed.load('split'))!.outputs.dataset as DatasetValue;
    expectProbabilities(
      (await changed.load('onnx'))!.outputs.predictions as PredictionsValue,
      data.splits.test.x,
      W2,
      B,
    );
  });
});

describe('model.onnx executor', () => {
  const x = Float32Array.from([5, 3, 1.4, 0.2, 6, 3, 4.5, 1.5, 6.5, 3, 5.8, 2.2]);
  const data: DatasetValue = {
    task: 'classification',
    featureShape: [4],
    classNames: ['a', 'b', 'c'],
    splits: { test: { x, y: Int32Array.from([0, 1, 2]), n: 3 } },
    transforms: [],
  };

  it('applies softmax to logits when the task is classification, and says so', async () => {
    writeModel(dir, 'logits.onnx', linearModel(W, B));
    const r = await onnxModelExecutor(ctx({ path: 'logits.onnx', provider: 'cpu' }, { data }));
    expectProbabilities(r.outputs.predictions as PredictionsValue, x, W, B);
    expect(r.summary?.text).toMatch(/softmax applied/);
  });

  it('without data it only inspects: a trained model with the class names from metadata', async () => {
    writeModel(
      dir,
      'named.onnx',
      linearModel(W, B, { softmax: true, metadata: { 'weft.class_names': '["setosa","versicolor","virginica"]' } }),
    );
    const r = await onnxModelExecutor(ctx({ path: 'named.onnx', task: 'classification' }));
    expect(r.outputs.predictions).toBeUndefined();
    const m = r.outputs.model as TrainedModelValue;
    expect(m.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([m.inputName, m.outputName, m.task]).toEqual(['x', 'y', 'classification']);
  });

  it('regression outputs the raw values', async () => {
    const w = [[1], [0], [0], [2]];
    writeModel(dir, 'reg.onnx', linearModel(w, [0.5]));
    const reg: DatasetValue = { ...data, task: 'regression', splits: { test: { x, y: new Float32Array(3), n: 3 } } };
    delete reg.classNames;
    const r = await onnxModelExecutor(ctx({ path: 'reg.onnx' }, { data: reg }));
    const p = r.outputs.predictions as PredictionsValue;
    expect(Array.from(p.predicted)).toEqual([5 + 0.4 + 0.5, 6 + 3 + 0.5, 6.5 + 4.4 + 0.5].map((v) => Math.fround(v)));
  });

  it('a dataset with other features is refused with both shapes spelled out', async () => {
    writeModel(dir, 'three.onnx', linearModel([[1], [1], [1]], [0]));
    await expect(onnxModelExecutor(ctx({ path: 'three.onnx' }, { data }))).rejects.toThrow(
      /input x is \[N, 3\] but the dataset's rows are \[4\]/,
    );
  });

  it('a missing split, a missing path and a corrupt file are user errors naming what to fix', async () => {
    writeModel(dir, 'ok.onnx', linearModel(W, B));
    await expect(onnxModelExecutor(ctx({ path: 'ok.onnx', split: 'validation' }, { data }))).rejects.toThrow(
      /no "validation" split/,
    );
    await expect(onnxModelExecutor(ctx({}))).rejects.toThrow(/set the path parameter/);
    writeFileSync(path.join(dir, 'bad.onnx'), new Uint8Array([8, 8, 18, 200, 1, 65]));
    await expect(onnxModelExecutor(ctx({ path: 'bad.onnx' }))).rejects.toThrow(
      `${path.join(dir, 'bad.onnx')}: the ONNX file is truncated`,
    );
  });

  it('a Weft export (preprocessing inside, raw columns in) is fed the split’s raw columns', async () => {
    const raw: DatasetValue = {
      task: 'classification',
      featureShape: [2],
      classNames: ['no', 'yes'],
      rawFeatures: [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'number' },
      ],
      transforms: [
        { kind: 'standardize', column: 'a', mean: 10, std: 2 },
        { kind: 'standardize', column: 'b', mean: -1, std: 0.5 },
      ],
      splits: {
        test: {
          n: 3,
          x: Float32Array.from([0, 0, 1, 2, -1.5, -2]),
          y: Int32Array.from([0, 1, 0]),
          raw: [
            { name: 'a', type: 'number', values: Float64Array.from([10, 12, 7]) },
            { name: 'b', type: 'number', values: Float64Array.from([-1, 0, -2]) },
          ],
        },
      },
    };
    const { model, weights } = tinyModel({
      features: 2,
      outputs: 2,
      task: 'classification',
      classNames: ['no', 'yes'],
      rawFeatures: raw.rawFeatures!,
      transforms: raw.transforms,
      seed: 4,
    });
    await exportOnnx(model, { file: path.join(dir, 'exported.onnx'), rows: rowsFromDataset(raw, 10, ['test'])! });
    const r = await onnxModelExecutor(ctx({ path: 'exported.onnx', provider: 'cpu' }, { data: raw }));
    const p = r.outputs.predictions as PredictionsValue;
    expect(r.summary?.text).toContain('fed as raw columns');
    for (let i = 0; i < 3; i++) {
      const want = forward(weights, [raw.splits.test.x[i * 2], raw.splits.test.x[i * 2 + 1]], 2, 2, true);
      expect(p.probabilities![i * 2]).toBeCloseTo(want[0], 5);
      expect(p.probabilities![i * 2 + 1]).toBeCloseTo(want[1], 5);
    }
  });
});
