import { describe, expect, it } from 'vitest';
import { fitDataOf } from '../../../../../core/common/learners';
import {
  forestLearner,
  treeLearner,
  type ForestParams,
  type TreeParams,
} from '../../../../../core/common/learners/forest';
import { argmaxRows, irisDataset, irisRegression, noHooks, runOnnx } from '../../../../fixtures/learners/datasets';

const treeDefaults: TreeParams = {
  criterion: 'auto',
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 'auto',
  classWeight: 'none',
  seed: 42,
};
const forestDefaults: ForestParams = { ...treeDefaults, nEstimators: 100, bootstrap: true, oobScore: false };

describe('tree ensembles export', () => {
  for (const [name, module, params] of [
    ['tree', treeLearner, treeDefaults],
    ['forest', forestLearner, forestDefaults],
  ] as const) {
    for (const binary of [false, true]) {
      it(`${name} ${binary ? 'binary' : 'multiclass'}: ONNX equals in-app`, async () => {
        const iris = irisDataset();
        if (binary) {
          for (const s of Object.values(iris.splits)) s.y = Int32Array.from(s.y, (c) => (c === 2 ? 1 : 0));
          iris.classNames = ['other', 'virginica'];
        }
        const fitted = await module.fit(fitDataOf(module, iris), params as ForestParams, noHooks);
        const test = iris.splits.test;
        const k = iris.classNames!.length;
        const ours = fitted.predict(test.x, test.n);
        const onnx = await runOnnx(fitted.onnx, test.x, test.n, [4]);
        expect(onnx.length).toBe(test.n * k);
        for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
        expect(argmaxRows(onnx, k)).toEqual(argmaxRows(ours, k));
        console.log(name, binary, fitted.text, argmaxRows(ours, k).filter((c, i) => c === test.y[i]).length / test.n);
      });
    }
    it(`${name} regression: ONNX equals in-app`, async () => {
      const data = irisRegression();
      const fitted = await module.fit(fitDataOf(module, data), params as ForestParams, noHooks);
      const test = data.splits.test;
      const ours = fitted.predict(test.x, test.n);
      const onnx = await runOnnx(fitted.onnx, test.x, test.n, [3]);
      for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
      console.log(name, 'reg', fitted.text);
    });
  }
});

describe('boosting quick', () => {
  it('fits iris and matches ONNX', async () => {
    const { boostingLearner } = await import('../../../../../core/common/learners/boosting');
    const { boostingParams } = await import('../../../../../core/common/nodes/ml/boosting');
    for (const binary of [false, true]) {
      const iris = irisDataset();
      if (binary) {
        for (const s of Object.values(iris.splits)) s.y = Int32Array.from(s.y, (c) => (c === 2 ? 1 : 0));
        iris.classNames = ['other', 'virginica'];
      }
      const fitted = await boostingLearner.fit(fitDataOf(boostingLearner, iris), boostingParams.parse({}), noHooks);
      const test = iris.splits.test;
      const k = iris.classNames!.length;
      const ours = fitted.predict(test.x, test.n);
      const onnx = await runOnnx(fitted.onnx, test.x, test.n, [4]);
      for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
      console.log('boost', fitted.text, argmaxRows(ours, k).filter((c, i) => c === test.y[i]).length / test.n);
    }
    const data = irisRegression();
    const fitted = await boostingLearner.fit(fitDataOf(boostingLearner, data), boostingParams.parse({}), noHooks);
    const test = data.splits.test;
    const ours = fitted.predict(test.x, test.n);
    const onnx = await runOnnx(fitted.onnx, test.x, test.n, [3]);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
    console.log('boost reg', fitted.text);
  });
});
