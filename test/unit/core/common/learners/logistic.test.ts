import { describe, expect, it } from 'vitest';
import { fitLearner } from '../../../../../core/common/learners';
import { logisticLearner } from '../../../../../core/common/learners/logistic';
import { logisticParams } from '../../../../../core/common/nodes/ml/logistic';
import { argmaxRows, irisDataset, noHooks, runOnnx, tinyDataset } from '../../../../fixtures/learners/datasets';

// x = [0, 0, 1, 1, 1], y = [0, 1, 0, 1, 1]: the unpenalized MLE has p(x=0) = 1/2 and p(x=1) = 2/3,
// so intercept 0 and coefficient ln 2.
const five = tinyDataset('classification', [[0], [0], [1], [1], [1]], [0, 1, 0, 1, 1], ['no', 'yes']);
const fit = (params: object, data = five) => fitLearner(logisticLearner, logisticParams.parse(params), data, noHooks);

describe('ml.logistic', () => {
  for (const solver of ['lbfgs', 'cd'] as const) {
    it(`${solver}: the unpenalized binary MLE equals the closed form`, async () => {
      const { model } = await fit({ penalty: 'none', solver, tol: 1e-10, maxIter: 1000 });
      const coef = (model.trainParams.coefficients as Record<string, number[]>).f0[0];
      expect(coef).toBeCloseTo(Math.LN2, 6);
      expect((model.trainParams.intercept as number[])[0]).toBeCloseTo(0, 6);
    });
  }

  it('lbfgs and cd reach the same L2 optimum on iris (multinomial)', async () => {
    const iris = irisDataset();
    const a = await fit({ C: 0.5, tol: 1e-8, maxIter: 5000 }, iris);
    const b = await fit({ C: 0.5, tol: 1e-8, maxIter: 5000, solver: 'cd' }, iris);
    const ca = a.model.trainParams.coefficients as Record<string, number[]>;
    const cb = b.model.trainParams.coefficients as Record<string, number[]>;
    for (const f of Object.keys(ca)) for (let c = 0; c < 3; c++) expect(ca[f][c]).toBeCloseTo(cb[f][c], 4);
  });

  it('the WebAssembly loops (4+ features) and the JavaScript ones (fewer) reach the same optimum', async () => {
    // Iris's first three features (JavaScript loops) against the same three plus an all-zero fourth
    // (WebAssembly loops): the zero feature's coefficient stays 0 and the others must agree.
    const iris = irisDataset();
    const keep = (x: Float32Array, n: number, zero: boolean) =>
      Float32Array.from({ length: n * (zero ? 4 : 3) }, (_, k) =>
        zero ? (k % 4 === 3 ? 0 : x[k]) : x[Math.floor(k / 3) * 4 + (k % 3)],
      );
    const narrowed = (zero: boolean, binary: boolean) => {
      const { x, y, n } = iris.splits.train;
      return {
        ...iris,
        featureShape: [zero ? 4 : 3],
        featureNames: iris.featureNames!.slice(0, zero ? 4 : 3),
        classNames: binary ? ['other', 'versicolor'] : iris.classNames,
        splits: { train: { x: keep(x, n, zero), y: binary ? y.map((c) => (c === 1 ? 1 : 0)) : y, n } },
      };
    };
    for (const binary of [true, false]) {
      const js = await fit({ C: 0.5, tol: 1e-9, maxIter: 5000 }, narrowed(false, binary));
      const wasm = await fit({ C: 0.5, tol: 1e-9, maxIter: 5000 }, narrowed(true, binary));
      const cj = js.model.trainParams.coefficients as Record<string, number[]>;
      const cw = wasm.model.trainParams.coefficients as Record<string, number[]>;
      const m = binary ? 1 : 3;
      for (const f of Object.keys(cj)) for (let c = 0; c < m; c++) expect(cw[f][c]).toBeCloseTo(cj[f][c], 6);
      expect(Object.values(cw)[3].every((v) => Math.abs(v) < 1e-9)).toBe(true);
      const ij = js.model.trainParams.intercept as number[];
      (wasm.model.trainParams.intercept as number[]).forEach((v, c) => expect(v).toBeCloseTo(ij[c], 6));
    }
  });

  it('warns like ConvergenceWarning when maxIter is reached', async () => {
    const warnings: string[] = [];
    await fitLearner(logisticLearner, logisticParams.parse({ maxIter: 2 }), irisDataset(), {
      ...noHooks,
      warn: (m) => warnings.push(m),
    });
    expect(warnings.join()).toMatch(/did not converge after 2 iterations.*maxIter/);
  });

  it('refuses l1 with lbfgs and a regression dataset', async () => {
    await expect(fit({ penalty: 'l1' })).rejects.toThrow(/solver cd/);
    await expect(fit({}, tinyDataset('regression', [[0], [1]], [0, 1]))).rejects.toThrow(/ml\.linear/);
  });

  it('refuses a training split with a single class', async () => {
    const one = tinyDataset('classification', [[0], [1]], [1, 1], ['a', 'b']);
    await expect(fit({}, one)).rejects.toThrow(/single class \(b\)/);
  });

  it('refuses NaN features naming the column and prep.impute', async () => {
    const gap = tinyDataset(
      'classification',
      [
        [0, 1],
        [1, NaN],
        [2, 0],
      ],
      [0, 1, 0],
      ['a', 'b'],
    );
    await expect(fit({}, gap)).rejects.toThrow(/column f1 .*row 1.*prep\.impute/);
  });

  it('the ONNX graph equals the in-app probabilities on held-out rows, binary and multinomial', async () => {
    const iris = irisDataset();
    const { train, test } = iris.splits;
    for (const binary of [false, true]) {
      const y = binary ? Int32Array.from(train.y, (c) => (c === 2 ? 1 : 0)) : (train.y as Int32Array);
      const k = binary ? 2 : 3;
      const fitted = await logisticLearner.fit(
        {
          task: 'classification',
          x: train.x,
          n: train.n,
          d: 4,
          featureShape: [4],
          y,
          classes: k,
          targetDim: 1,
          featureNames: ['a', 'b', 'c', 'd'],
        },
        logisticParams.parse({ maxIter: 500 }),
        noHooks,
      );
      const ours = fitted.predict(test.x, test.n);
      const onnx = await runOnnx(fitted.onnx, test.x, test.n, [4]);
      expect(onnx.length).toBe(test.n * k);
      for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
      expect(argmaxRows(onnx, k)).toEqual(argmaxRows(ours, k));
    }
  });
});
