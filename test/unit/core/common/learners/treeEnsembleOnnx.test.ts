import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { fitDataOf, type LearnerModule } from '../../../../../core/common/learners';
import { boostingLearner } from '../../../../../core/common/learners/boosting';
import { forestLearner, treeLearner } from '../../../../../core/common/learners/forest';
import { boostingParams } from '../../../../../core/common/nodes/ml/boosting';
import { forestParams } from '../../../../../core/common/nodes/ml/forest';
import { treeParams } from '../../../../../core/common/nodes/ml/tree';
import { argmaxRows, irisDataset, irisRegression, noHooks, runOnnx } from '../../../../fixtures/learners/datasets';

function binaryIris(): DatasetValue {
  const iris = irisDataset();
  for (const s of Object.values(iris.splits)) s.y = Int32Array.from(s.y, (c) => (c === 2 ? 1 : 0));
  return { ...iris, classNames: ['other', 'virginica'] };
}

function withHoles(data: DatasetValue): DatasetValue {
  const d = data.featureShape[0];
  for (const s of Object.values(data.splits)) for (let i = 0; i < s.n; i += 5) s.x[i * d + 1] = NaN;
  return data;
}

const learners: [string, LearnerModule<never>, unknown][] = [
  ['ml.tree', treeLearner, treeParams.parse({})],
  ['ml.forest', forestLearner, forestParams.parse({ nEstimators: 50 })],
  ['ml.boosting', boostingLearner, boostingParams.parse({ maxIter: 50 })],
];
const datasets: [string, () => DatasetValue][] = [
  ['multiclass', irisDataset],
  ['binary', binaryIris],
  ['regression', irisRegression],
];

describe('tree ensembles in onnxruntime equal the in-app predictions on held-out rows', () => {
  for (const [name, module, params] of learners) {
    for (const [kind, make] of datasets) {
      it(`${name}, ${kind}`, async () => {
        const data = make();
        const fitted = await module.fit(fitDataOf(module, data), params as never, noHooks);
        const { x, n } = data.splits.test;
        const d = data.featureShape[0];
        const width = data.task === 'classification' ? data.classNames!.length : 1;
        const ours = fitted.predict(x, n);
        const onnx = await runOnnx(fitted.onnx, x, n, [d]);
        expect(onnx.length).toBe(n * width);
        for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
        if (data.task === 'classification') expect(argmaxRows(onnx, width)).toEqual(argmaxRows(ours, width));
      });
    }
  }

  it('ml.boosting with NaN features: missing values take the learned branch in onnxruntime too', async () => {
    for (const make of [irisDataset, irisRegression]) {
      const data = withHoles(make());
      const fitted = await boostingLearner.fit(fitDataOf(boostingLearner, data), boostingParams.parse({}), noHooks);
      const { x, n } = data.splits.test;
      const ours = fitted.predict(x, n);
      const onnx = await runOnnx(fitted.onnx, x, n, data.featureShape);
      for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
    }
  });

  it('a multi-axis feature shape is flattened inside the graph', async () => {
    const iris = irisDataset();
    const square: DatasetValue = { ...iris, featureShape: [2, 2] };
    const fitted = await forestLearner.fit(
      fitDataOf(forestLearner, square),
      forestParams.parse({ nEstimators: 5 }),
      noHooks,
    );
    const { x, n } = iris.splits.test;
    const onnx = await runOnnx(fitted.onnx, x, n, [2, 2]);
    const ours = fitted.predict(x, n);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
  });
});

describe('tree options', () => {
  it('balanced class weights make an unbalanced leaf vote by n / (k · count)', async () => {
    // 6 rows of class 0 and 2 of class 1, one feature that cannot separate them: the root is the
    // only leaf. Unweighted it predicts (3/4, 1/4); balanced weights 8/12 and 8/4 make it (1/2, 1/2).
    const x = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1]);
    const data: DatasetValue = {
      task: 'classification',
      featureShape: [1],
      classNames: ['a', 'b'],
      splits: { train: { x, y: Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1]), n: 8 } },
      transforms: [],
    };
    const plain = await treeLearner.fit(fitDataOf(treeLearner, data), treeParams.parse({}), noHooks);
    expect(Array.from(plain.predict(x.subarray(0, 1), 1))).toEqual([0.75, 0.25]);
    const balanced = await treeLearner.fit(
      fitDataOf(treeLearner, data),
      treeParams.parse({ classWeight: 'balanced' }),
      noHooks,
    );
    expect(Array.from(balanced.predict(x.subarray(0, 1), 1))).toEqual([0.5, 0.5]);
  });

  it('a forest fits several regression targets at once and exports them as one TreeEnsembleRegressor', async () => {
    const iris = irisRegression();
    const two = (s: { x: Float32Array; y: Float32Array | Int32Array; n: number }) => ({
      x: s.x,
      n: s.n,
      y: Float32Array.from({ length: s.n * 2 }, (_, k) => (k % 2 === 0 ? s.y[k >> 1] : s.x[(k >> 1) * 3])),
    });
    const data: DatasetValue = {
      ...iris,
      targetDim: 2,
      splits: { train: two(iris.splits.train), test: two(iris.splits.test) },
    };
    const fitted = await forestLearner.fit(
      fitDataOf(forestLearner, data),
      forestParams.parse({ nEstimators: 10 }),
      noHooks,
    );
    const { x, n } = data.splits.test;
    const ours = fitted.predict(x, n);
    const onnx = await runOnnx(fitted.onnx, x, n, [3]);
    expect(onnx.length).toBe(n * 2);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
  });

  it('boosting without a leaf limit but with max depth 2 grows at most 4 leaves per tree', async () => {
    const iris = irisDataset();
    const params = boostingParams.parse({ maxLeafNodes: null, maxDepth: 2, maxIter: 5, minSamplesLeaf: 1 });
    const fitted = await boostingLearner.fit(fitDataOf(boostingLearner, iris), params, noHooks);
    expect(fitted.text).toMatch(/mean leaves [1-4]\.\d/);
  });
});
