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
