import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue, MetricsValue, PredictionsValue, TrainedModelValue } from '../../../../../core/common';
import { evalClassificationParams } from '../../../../../core/common/nodes/eval/classification';
import { evalPredictParams } from '../../../../../core/common/nodes/eval/predict';
import { evalRegressionParams } from '../../../../../core/common/nodes/eval/regression';
import { evalClassificationExecutor } from '../../../../../core/node/executors/eval/classification';
import { evalPredictExecutor } from '../../../../../core/node/executors/eval/predict';
import { evalRegressionExecutor } from '../../../../../core/node/executors/eval/regression';
import type { ExecutorContext } from '../../../../../core/node/executors/Executor';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A "model" whose output is its input, so the probabilities a test feeds are the ones scored. */
function identityModel(task: 'classification' | 'regression', width: number, classNames?: string[]): TrainedModelValue {
  const bytes = encodeModelData({
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    graph: {
      name: 'identity',
      initializers: [],
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', width] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['N', width] }],
    },
  });
  return {
    task,
    featureShape: [width],
    ...(classNames ? { classNames } : {}),
    transforms: [],
    onnx: bytes,
    inputName: 'x',
    outputName: 'y',
    spec: null,
    weights: {},
    history: [],
    provider: 'cpu',
    trainParams: {},
  };
}

function ctx<P>(inputs: Record<string, unknown>, params: P): ExecutorContext<P> {
  return {
    inputs,
    params,
    signal: new AbortController().signal,
    progress: () => {},
    log: () => {},
    epochMetrics: () => {},
    nodeId: 'n1',
    workspace: dir,
    baseDir: dir,
  };
}

// The hand-worked case of test/unit/core/common/metrics: yTrue [0,0,0,1,1,2,2], argmax [0,1,0,1,1,0,2],
// 4 classes with class 3 absent; accuracy 5/7, F1 macro 32/45, weighted 74/105. Probability rows
// put 0.7 on the predicted class and 0.1 elsewhere, so log loss = -(5 ln .7 + 2 ln .1)/7.
const yTrue = [0, 0, 0, 1, 1, 2, 2];
const yPred = [0, 1, 0, 1, 1, 0, 2];
const probs = Float32Array.from(yPred.flatMap((p) => [0, 1, 2, 3].map((c) => (c === p ? 0.7 : 0.1))));
const classNames = ['a', 'b', 'c', 'd'];
const clsData: DatasetValue = {
  task: 'classification',
  featureShape: [4],
  classNames,
  splits: { test: { x: probs, y: Int32Array.from(yTrue), n: 7 } },
  transforms: [],
};

describe('eval nodes', () => {
  it('eval.classification scores the model output on the chosen split', async () => {
    const r = await evalClassificationExecutor(
      ctx({ model: identityModel('classification', 4, classNames), data: clsData }, evalClassificationParams.parse({})),
    );
    const m = r.outputs.metrics as MetricsValue;
    expect(m.scalars.accuracy).toBeCloseTo(5 / 7, 6);
    expect(m.scalars.f1_macro).toBeCloseTo(32 / 45, 6);
    expect(m.scalars.f1_weighted).toBeCloseTo(74 / 105, 6);
    expect(m.scalars.log_loss).toBeCloseTo(-(5 * Math.log(0.7) + 2 * Math.log(0.1)) / 7, 5);
    // top-3 of 4: rows 1 and 5 have the true class at 0.1 tied with two others, and ties rank the higher index first:
    // row 1 (true 0, pred 1): scores [.1,.7,.1,.1] → order 1,3,2,0 → miss; row 5 (true 2, pred 0): order 0,3,2 → hit.
    expect(m.scalars.top_3_accuracy).toBeCloseTo(6 / 7, 6);
    expect(m.confusion).toEqual([
      [2, 1, 0, 0],
      [0, 2, 0, 0],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    expect(r.summary?.metrics?.accuracy).toBeCloseTo(5 / 7, 6);
    expect(r.summary?.text).toMatch(/Confusion matrix/);
    expect(r.summary?.text).toMatch(/macro avg/);
  });

  it('names the missing split and the ones that exist', async () => {
    await expect(
      evalClassificationExecutor(
        ctx(
          { model: identityModel('classification', 4, classNames), data: clsData },
          evalClassificationParams.parse({ split: 'validation' }),
        ),
      ),
    ).rejects.toThrow(/no "validation" split \(it has test\)/);
  });

  it('eval.regression reproduces sklearn’s documented example', async () => {
    // y_true [3, -0.5, 2, 7], y_pred [2.5, 0, 2, 8] → MSE 0.375, MAE 0.5, R² = 1 - 1.5/29.1875.
    const data: DatasetValue = {
      task: 'regression',
      featureShape: [1],
      targetName: 'price',
      splits: { test: { x: Float32Array.from([2.5, 0, 2, 8]), y: Float32Array.from([3, -0.5, 2, 7]), n: 4 } },
      transforms: [],
    };
    const r = await evalRegressionExecutor(
      ctx({ model: identityModel('regression', 1), data }, evalRegressionParams.parse({})),
    );
    const m = r.outputs.metrics as MetricsValue;
    expect(m.scalars.mse).toBeCloseTo(0.375, 6);
    expect(m.scalars.mae).toBeCloseTo(0.5, 6);
    expect(m.scalars.r2).toBeCloseTo(1 - 1.5 / 29.1875, 6);
    expect(m.residuals?.residual).toEqual([0.5, -0.5, 0, -1]);
    expect(r.summary?.text).toMatch(/price/);
  });

  it('eval.predict returns labels and probabilities and writes them as CSV', async () => {
    const r = await evalPredictExecutor(
      ctx(
        { model: identityModel('classification', 4, classNames), data: clsData },
        evalPredictParams.parse({ path: 'out/preds.csv' }),
      ),
    );
    const p = r.outputs.predictions as PredictionsValue;
    expect(Array.from(p.predicted)).toEqual(yPred);
    const lines = readFileSync(path.join(dir, 'out/preds.csv'), 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('actual,predicted,p(a),p(b),p(c),p(d)');
    expect(lines).toHaveLength(8);
    expect(lines[2].split(',').slice(0, 3)).toEqual(['a', 'b', String(Math.fround(0.1))]);
    expect(r.summary?.files).toEqual([path.join(dir, 'out/preds.csv')]);
  });

  it('points a model of the other task to the matching eval node', async () => {
    await expect(
      evalRegressionExecutor(
        ctx({ model: identityModel('classification', 4, classNames), data: clsData }, evalRegressionParams.parse({})),
      ),
    ).rejects.toThrow('eval.regression (n1): the model is a classifier; use eval.classification');
    await expect(
      evalClassificationExecutor(
        ctx({ model: identityModel('regression', 4), data: clsData }, evalClassificationParams.parse({})),
      ),
    ).rejects.toThrow('eval.classification (n1): the model is a regressor; use eval.regression');
  });

  it('refuses a dataset with other features than the model takes', async () => {
    await expect(
      evalPredictExecutor(
        ctx({ model: identityModel('classification', 3, ['a', 'b', 'c']), data: clsData }, evalPredictParams.parse({})),
      ),
    ).rejects.toThrow(/takes features \[3\] but the dataset has \[4\]/);
  });
});
