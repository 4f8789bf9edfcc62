import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { fitDataOf, fitLearner } from '../../../../../core/common/learners';
import { naiveBayesLearner } from '../../../../../core/common/learners/naiveBayes';
import { naiveBayesParams } from '../../../../../core/common/nodes/ml/naive_bayes';
import { argmaxRows, irisDataset, noHooks, runOnnx, tinyDataset } from '../../../../fixtures/learners/datasets';
import { recorded, wave2 } from '../../../../fixtures/learners/wave2';

const fit = (params: object, data: DatasetValue) =>
  fitLearner(naiveBayesLearner, naiveBayesParams.parse(params), data, noHooks);
const fitted = (params: object, data: DatasetValue) =>
  naiveBayesLearner.fit(fitDataOf(naiveBayesLearner, data), naiveBayesParams.parse(params), noHooks);

describe('ml.naive_bayes', () => {
  it('hand-computed Gaussian case: one feature, two classes', async () => {
    // Class a: x = 0, 2 (mean 1, var 1); class b: x = 4, 6, 8 (mean 6, var 8/3); priors 2/5, 3/5.
    const data = tinyDataset('classification', [[0], [2], [4], [6], [8]], [0, 0, 1, 1, 1], ['a', 'b']);
    const p = (await fitted({ varSmoothing: 0 }, data)).predict(Float32Array.of(3), 1);
    const ll = (x: number, m: number, v: number, prior: number) =>
      Math.log(prior) - 0.5 * Math.log(2 * Math.PI * v) - (x - m) ** 2 / (2 * v);
    const a = ll(3, 1, 1, 0.4);
    const b = ll(3, 6, 8 / 3, 0.6);
    expect(p[0]).toBeCloseTo(Math.exp(a) / (Math.exp(a) + Math.exp(b)), 6);
  });

  for (const name of ['iris', 'blobs']) {
    it(`Gaussian equals GaussianNB on ${name}: means, variances, probabilities`, async () => {
      const data = name === 'iris' ? irisDataset() : recorded('blobs');
      const want = wave2.naive_bayes[`gaussian_${name}`];
      const { model } = await fit({}, data);
      const theta = model.trainParams.theta as number[][];
      const v = model.trainParams.var as number[][];
      want.theta!.forEach((row, c) => row.forEach((t, j) => expect(theta[c][j]).toBeCloseTo(t, 6)));
      want.var!.forEach((row, c) => row.forEach((t, j) => expect(Math.abs(v[c][j] - t)).toBeLessThan(1e-6 * t)));
      const { test } = data.splits;
      const p = (await fitted({}, data)).predict(test.x, test.n);
      want.proba.flat().forEach((t, i) => expect(Math.abs(p[i] - t)).toBeLessThan(1e-5));
      expect(argmaxRows(p, want.proba[0].length)).toEqual(want.predict);
    });
  }

  for (const alpha of [1, 0.5]) {
    it(`multinomial equals MultinomialNB on counts (alpha ${alpha})`, async () => {
      const data = recorded('counts');
      const want = wave2.naive_bayes[`multinomial_counts_alpha${alpha.toFixed(1)}`];
      const { model } = await fit({ kind: 'multinomial', alpha }, data);
      const flp = model.trainParams.featureLogProb as number[][];
      want.featureLogProb!.forEach((row, c) => row.forEach((t, j) => expect(flp[c][j]).toBeCloseTo(t, 10)));
      const { test } = data.splits;
      const p = (await fitted({ kind: 'multinomial', alpha }, data)).predict(test.x, test.n);
      want.proba.flat().forEach((t, i) => expect(Math.abs(p[i] - t)).toBeLessThan(1e-6));
      expect(argmaxRows(p, 3)).toEqual(want.predict);
    });
  }

  it('the ONNX graph equals the in-app probabilities on held-out rows', async () => {
    const cases: [object, DatasetValue][] = [
      [{}, irisDataset()],
      [{}, recorded('blobs')],
      [{ kind: 'multinomial' }, recorded('counts')],
    ];
    for (const [params, data] of cases) {
      const model = await fitted(params, data);
      const { test } = data.splits;
      const k = data.classNames!.length;
      const ours = model.predict(test.x, test.n);
      const onnx = await runOnnx(model.onnx, test.x, test.n, [...data.featureShape]);
      expect(onnx.length).toBe(test.n * k);
      for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
      expect(argmaxRows(onnx, k)).toEqual(argmaxRows(ours, k));
    }
  });

  it('multinomial refuses negative values naming the column', async () => {
    const data = tinyDataset(
      'classification',
      [
        [1, 0],
        [2, -1],
        [0, 3],
      ],
      [0, 1, 0],
      ['a', 'b'],
    );
    await expect(fit({ kind: 'multinomial' }, data)).rejects.toThrow(/column f1 has the negative value -1 in row 1/);
  });

  it('refuses a regression dataset', async () => {
    await expect(fit({}, tinyDataset('regression', [[0], [1]], [0, 1]))).rejects.toThrow(/ml\.linear/);
  });
});
