import { describe, expect, it } from 'vitest';
import { fitLearner, LearnerError } from '../../../../../core/common/learners';
import { linearLearner } from '../../../../../core/common/learners/linear';
import { linearParams } from '../../../../../core/common/nodes/ml/linear';
import { irisRegression, noHooks, runOnnx, tinyDataset } from '../../../../fixtures/learners/datasets';

const line = tinyDataset('regression', [[0], [1], [2]], [1, 3, 4]);
const coefOf = (info: Record<string, unknown>) => (info.coefficients as Record<string, number[]>).f0[0];
const fit = (params: object, data = line) => fitLearner(linearLearner, linearParams.parse(params), data, noHooks);

describe('ml.linear', () => {
  // Points (0,1), (1,3), (2,4): Sxy = 3, Sxx = 2, means 1 and 8/3.
  it('ordinary least squares on three points equals the closed form', async () => {
    const { model } = await fit({});
    expect(coefOf(model.trainParams)).toBeCloseTo(1.5, 12);
    expect((model.trainParams.intercept as number[])[0]).toBeCloseTo(7 / 6, 12);
  });

  it('ridge shrinks by Sxy / (Sxx + alpha); lasso and elastic net soft-threshold Sxy / n', async () => {
    const ridge = await fit({ penalty: 'l2', alpha: 1 });
    expect(coefOf(ridge.model.trainParams)).toBeCloseTo(1, 12);
    expect((ridge.model.trainParams.intercept as number[])[0]).toBeCloseTo(5 / 3, 12);
    const lasso = await fit({ penalty: 'l1', alpha: 0.5, tol: 1e-10 });
    expect(coefOf(lasso.model.trainParams)).toBeCloseTo((1 - 0.5) / (2 / 3), 8);
    const enet = await fit({ penalty: 'elasticnet', alpha: 0.5, l1Ratio: 0.5, tol: 1e-10 });
    expect(coefOf(enet.model.trainParams)).toBeCloseTo((1 - 0.25) / (2 / 3 + 0.25), 8);
  });

  it('refuses OLS with more features than rows and says ridge still fits', async () => {
    const wide = tinyDataset(
      'regression',
      [
        [1, 2, 3],
        [2, 1, 0],
        [0, 1, 1],
      ],
      [1, 2, 3],
    );
    await expect(fit({}, wide)).rejects.toThrow(/more|at least as many training rows.*penalty l2/);
    await expect(fit({}, wide)).rejects.toBeInstanceOf(LearnerError);
    const ridge = await fit({ penalty: 'l2' }, wide);
    expect(ridge.model.onnx.length).toBeGreaterThan(0);
  });

  it('refuses a classification dataset, naming ml.logistic', async () => {
    const cls = tinyDataset('classification', [[0], [1]], [0, 1], ['a', 'b']);
    await expect(fit({}, cls)).rejects.toThrow(/ml\.logistic/);
  });

  it('the ONNX graph run by onnxruntime equals the in-app predictions on held-out rows', async () => {
    const data = irisRegression();
    const params = linearParams.parse({ penalty: 'elasticnet', alpha: 0.05 });
    const fitted = await linearLearner.fit(
      {
        task: 'regression',
        x: data.splits.train.x,
        n: data.splits.train.n,
        d: 3,
        featureShape: [3],
        y: data.splits.train.y,
        classes: 0,
        targetDim: 1,
        featureNames: data.featureNames!,
      },
      params,
      noHooks,
    );
    const test = data.splits.test;
    const ours = fitted.predict(test.x, test.n);
    const onnx = await runOnnx(fitted.onnx, test.x, test.n, [3]);
    for (let i = 0; i < test.n; i++) expect(onnx[i]).toBeCloseTo(ours[i], 5);
  });
});
