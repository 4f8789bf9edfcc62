import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { fitDataOf, fitLearner } from '../../../../../core/common/learners';
import { coupleProbabilities, sigmoidPredict, sigmoidTrain } from '../../../../../core/common/learners/platt';
import { decisionValues, fitSvc, svmLearner } from '../../../../../core/common/learners/svm';
import { svmParams } from '../../../../../core/common/nodes/ml/svm';
import {
  argmaxRows,
  irisDataset,
  irisRegression,
  noHooks,
  runOnnx,
  tinyDataset,
} from '../../../../fixtures/learners/datasets';
import { recorded, wave2 } from '../../../../fixtures/learners/wave2';

const datasets: Record<string, () => DatasetValue> = {
  iris: irisDataset,
  blobs: () => recorded('blobs'),
  blobs_binary: () => {
    const data = recorded('blobs');
    for (const s of Object.values(data.splits)) s.y = Int32Array.from(s.y, (c) => (c === 1 ? 1 : 0));
    return { ...data, classNames: ['other', 'c1'] };
  },
};

function caseOf(name: string) {
  const want = wave2.svm[name];
  const dataName = name.replace(/_(rbf|linear|poly).*$/, '');
  const { kernel, C, gamma, degree, coef0 } = want.params;
  const params = svmParams.parse({ kernel, C, gamma, degree, coef0 });
  return { want, data: datasets[dataName](), params };
}

describe('ml.svm against scikit-learn SVC', () => {
  for (const name of Object.keys(wave2.svm).filter((n) => n !== 'iris_svr_rbf')) {
    it(`${name}: support vectors per class, intercepts, decision values and labels`, async () => {
      const { want, data, params } = caseOf(name);
      const fitted = await svmLearner.fit(fitDataOf(svmLearner, data), params, noHooks);
      const { model } = await fitSvc(fitDataOf(svmLearner, data), params, noHooks);
      expect(fitted.info.supportPerClass).toEqual(want.nSupport);
      const k = data.classNames!.length;
      const sign = k === 2 ? -1 : 1;
      (fitted.info.intercept as number[]).forEach((b, i) =>
        expect(Math.abs(sign * b - want.intercept[i])).toBeLessThan(1e-2),
      );
      const { test } = data.splits;
      const dec = decisionValues(model, test.x, test.n);
      const flat = (want.decision as (number | number[])[]).flat();
      flat.forEach((v, i) =>
        expect(Math.abs(sign * dec[i] - v), `${name} decision ${i}`).toBeLessThan(1e-2 * Math.max(1, Math.abs(v))),
      );
      const labels = argmaxRows(fitted.predict(test.x, test.n), k);
      const same = labels.filter((c, i) => c === want.predict[i]).length;
      expect(same).toBeGreaterThanOrEqual(test.n - 1);
    });
  }

  it("Platt-scaled probabilities are near scikit-learn's (its folds are drawn by another generator)", async () => {
    for (const name of ['iris_rbf', 'blobs_rbf', 'blobs_binary_rbf']) {
      const { want, data, params } = caseOf(name);
      const fitted = await svmLearner.fit(fitDataOf(svmLearner, data), { ...params, probability: true }, noHooks);
      const { test } = data.splits;
      const p = fitted.predict(test.x, test.n);
      const flat = want.proba.flat();
      const mean = flat.reduce((a, v, i) => a + Math.abs(v - p[i]), 0) / flat.length;
      expect(mean, name).toBeLessThan(0.03);
      for (let i = 0; i < test.n; i++) {
        const row = Array.from(p.subarray(i * want.proba[0].length, (i + 1) * want.proba[0].length));
        expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
      }
    }
  });
});

describe('Platt scaling and pairwise coupling', () => {
  it('sigmoidTrain reaches a zero gradient of the regularized log loss', () => {
    const dec = Float64Array.from([-2, -1.5, -0.3, 0.1, 0.4, 1.2, 2.5, -0.8, 0.9, 1.7]);
    const pos = Uint8Array.from([0, 0, 0, 1, 0, 1, 1, 1, 1, 1]);
    const s = sigmoidTrain(dec, pos);
    const hi = (6 + 1) / (6 + 2);
    const lo = 1 / (4 + 2);
    let gA = 0;
    let gB = 0;
    dec.forEach((f, i) => {
      const p = sigmoidPredict(f, s);
      const t = pos[i] ? hi : lo;
      gA += f * (t - p);
      gB += t - p;
    });
    expect(s.converged).toBe(true);
    expect(Math.abs(gA)).toBeLessThan(1e-5);
    expect(Math.abs(gB)).toBeLessThan(1e-5);
    expect(s.A).toBeLessThan(0);
  });

  it('two classes: coupling returns the pairwise probabilities', () => {
    const p = new Float64Array(2);
    coupleProbabilities(2, Float64Array.from([0, 0.8, 0.2, 0]), p, new Float64Array(4));
    expect(p[0]).toBeCloseTo(0.8, 8);
    expect(p[1]).toBeCloseTo(0.2, 8);
  });

  it('coupling satisfies the optimality conditions of Wu, Lin and Weng method 2', () => {
    const k = 4;
    const pairwise = [
      [0, 0.7, 0.6, 0.9],
      [0, 0, 0.45, 0.8],
      [0, 0, 0, 0.75],
    ];
    const r = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        r[i * k + j] = pairwise[i][j];
        r[j * k + i] = 1 - pairwise[i][j];
      }
    }
    const p = new Float64Array(k);
    coupleProbabilities(k, r, p, new Float64Array(k * k));
    // Q p = (pᵀ Q p) e with Q_tt = Σ_{s≠t} r_st², Q_ts = −r_st r_ts, and Σ p = 1.
    const Qp = Array.from({ length: k }, (_, t) => {
      let s = 0;
      for (let u = 0; u < k; u++) {
        if (u === t) for (let v = 0; v < k; v++) s += v === t ? 0 : r[v * k + t] ** 2 * p[t];
        else s -= r[u * k + t] * r[t * k + u] * p[u];
      }
      return s;
    });
    const pQp = Qp.reduce((a, v, t) => a + v * p[t], 0);
    expect(p.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 9);
    for (const v of Qp) expect(Math.abs(v - pQp)).toBeLessThan(1e-9);
    expect(argmaxRows(Float32Array.from(p), k)).toEqual([0]);
  });
});

describe('ml.svm', () => {
  it('the ONNX graph equals the in-app outputs on held-out rows', async () => {
    for (const name of ['iris_rbf', 'iris_linear', 'iris_poly', 'blobs_rbf', 'blobs_binary_rbf']) {
      for (const probability of [false, true]) {
        const { data, params } = caseOf(name);
        const fitted = await svmLearner.fit(fitDataOf(svmLearner, data), { ...params, probability }, noHooks);
        const k = data.classNames!.length;
        for (const split of [data.splits.test, data.splits.train]) {
          const ours = fitted.predict(split.x, split.n);
          const onnx = await runOnnx(fitted.onnx, split.x, split.n, [...data.featureShape]);
          expect(onnx.length).toBe(split.n * k);
          for (let i = 0; i < ours.length; i++) {
            expect(Math.abs(onnx[i] - ours[i]), `${name} probability ${probability} [${i}]`).toBeLessThan(1e-5);
          }
          expect(argmaxRows(onnx, k)).toEqual(argmaxRows(ours, k));
        }
      }
    }
  });

  it('is reproducible bit for bit with the same seed (probability folds)', async () => {
    const data = irisDataset();
    const a = await fitLearner(svmLearner, svmParams.parse({ probability: true, seed: 3 }), data, noHooks);
    const b = await fitLearner(svmLearner, svmParams.parse({ probability: true, seed: 3 }), data, noHooks);
    expect(Buffer.from(a.model.onnx).equals(Buffer.from(b.model.onnx))).toBe(true);
  });

  it('warns like ConvergenceWarning when maxIter is reached', async () => {
    const warnings: string[] = [];
    await fitLearner(svmLearner, svmParams.parse({ maxIter: 3 }), irisDataset(), {
      ...noHooks,
      warn: (m) => warnings.push(m),
    });
    expect(warnings.join()).toMatch(/did not converge for 3 of 3 class pairs after 3 iterations.*maxIter/);
  });

  it('refuses a class missing from the training split, and more than one regression target', async () => {
    const gap = tinyDataset('classification', [[0], [1], [2]], [0, 2, 0], ['a', 'b', 'c']);
    await expect(fitLearner(svmLearner, svmParams.parse({}), gap, noHooks)).rejects.toThrow(/class 1 has no rows/);
    const two = { ...tinyDataset('regression', [[0], [1]], [0, 1, 2, 3]), targetDim: 2 };
    two.splits.train.n = 2;
    await expect(fitLearner(svmLearner, svmParams.parse({}), two, noHooks)).rejects.toThrow(/fits one target/);
  });

  it('ε-SVR equals scikit-learn SVR predictions, and its ONNX graph the in-app ones', async () => {
    const data = irisRegression();
    const { test } = data.splits;
    const fitted = await svmLearner.fit(fitDataOf(svmLearner, data), svmParams.parse({}), noHooks);
    const p = fitted.predict(test.x, test.n);
    const want = wave2.svm.iris_svr_rbf;
    want.predict.forEach((v, i) => expect(Math.abs(p[i] - v), `row ${i}`).toBeLessThan(1e-2));
    expect(Math.abs((fitted.info.intercept as number[])[0] - want.intercept[0])).toBeLessThan(1e-2);
    const onnx = await runOnnx(fitted.onnx, test.x, test.n, [3]);
    expect(onnx.length).toBe(test.n);
    for (let i = 0; i < test.n; i++) expect(Math.abs(onnx[i] - p[i])).toBeLessThan(1e-5);
  });

  it("two classes: the train accuracy (from the solver's decision values) is that of the model's own predictions", async () => {
    for (const kernel of ['rbf', 'poly', 'linear'] as const) {
      for (const C of [0.1, 10]) {
        const data = datasets.blobs_binary();
        const fitData = fitDataOf(svmLearner, data);
        const fitted = await svmLearner.fit(fitData, svmParams.parse({ kernel, C }), noHooks);
        const labels = argmaxRows(fitted.predict(fitData.x, fitData.n), 2);
        const want = labels.filter((c, i) => c === fitData.y[i]).length / fitData.n;
        expect(fitted.metrics.accuracy_train, `${kernel} C ${C}`).toBe(want);
      }
    }
  });
});
