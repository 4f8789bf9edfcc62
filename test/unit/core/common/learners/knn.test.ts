import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { fitDataOf, fitLearner } from '../../../../../core/common/learners';
import { knnLearner } from '../../../../../core/common/learners/knn';
import { knnParams } from '../../../../../core/common/nodes/ml/knn';
import {
  argmaxRows,
  irisDataset,
  irisRegression,
  noHooks,
  runOnnx,
  tinyDataset,
} from '../../../../fixtures/learners/datasets';
import { recorded, wave2 } from '../../../../fixtures/learners/wave2';

const fitted = (params: object, data: DatasetValue) =>
  knnLearner.fit(fitDataOf(knnLearner, data), knnParams.parse(params), noHooks);

describe('ml.knn', () => {
  it('hand-computed: 3 neighbours on a line, uniform and distance weights', async () => {
    // Train x = 0, 1, 3, 10 with classes a, a, b, b; the query x = 2 has neighbours 1 (d 1), 3 (d 1), 0 (d 2).
    const data = tinyDataset('classification', [[0], [1], [3], [10]], [0, 0, 1, 1], ['a', 'b']);
    const uni = (await fitted({ nNeighbors: 3 }, data)).predict(Float32Array.of(2), 1);
    expect(Array.from(uni)).toEqual([Math.fround(2 / 3), Math.fround(1 / 3)]);
    const dist = (await fitted({ nNeighbors: 3, weights: 'distance' }, data)).predict(Float32Array.of(2), 1);
    // Weights 1, 1, 1/2: a = 1.5 / 2.5, b = 1 / 2.5.
    expect(dist[0]).toBeCloseTo(0.6, 7);
    expect(dist[1]).toBeCloseTo(0.4, 7);
    // A query on a training row takes that row only under distance weights.
    expect(
      Array.from((await fitted({ nNeighbors: 3, weights: 'distance' }, data)).predict(Float32Array.of(3), 1)),
    ).toEqual([0, 1]);
  });

  it("regression averages the neighbours' targets", async () => {
    const data = tinyDataset('regression', [[0], [1], [3], [10]], [1, 2, 6, 100]);
    expect((await fitted({ nNeighbors: 3 }, data)).predict(Float32Array.of(2), 1)[0]).toBeCloseTo(3, 6);
  });

  it('equals KNeighborsClassifier probabilities on blobs and iris', async () => {
    for (const [name, data] of [
      ['blobs', recorded('blobs')],
      ['iris', irisDataset()],
    ] as const) {
      for (const k of [1, 5, 7]) {
        for (const weights of ['uniform', 'distance']) {
          const want = wave2.knn[`${name}_k${k}_${weights}`];
          const { test } = data.splits;
          const p = (await fitted({ nNeighbors: k, weights }, data)).predict(test.x, test.n);
          const kk = want.proba![0].length;
          want.proba!.flat().forEach((v, i) => expect(p[i], `${name} k${k} ${weights} [${i}]`).toBeCloseTo(v, 6));
          expect(argmaxRows(p, kk)).toEqual(want.predict);
        }
      }
    }
  });

  it('equals KNeighborsRegressor predictions on blobs and iris', async () => {
    for (const weights of ['uniform', 'distance']) {
      for (const [name, data] of [
        ['blobs', recorded('blobs', 'regression')],
        ['iris', irisRegression()],
      ] as const) {
        const { test } = data.splits;
        const p = (await fitted({ weights }, data)).predict(test.x, test.n);
        wave2.knn[`${name}_regression_k5_${weights}`].predict.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
      }
    }
  });

  it('the ONNX graph equals the in-app predictions on held-out rows', async () => {
    const cases: [DatasetValue, number][] = [
      [irisDataset(), 3],
      [recorded('blobs'), 3],
      [recorded('blobs', 'regression'), 1],
      [irisRegression(), 1],
    ];
    for (const [data, width] of cases) {
      for (const weights of ['uniform', 'distance']) {
        const model = await fitted({ nNeighbors: 5, weights }, data);
        const { test, train } = data.splits;
        const d = data.featureShape[0];
        for (const [x, n] of [
          [test.x, test.n],
          [train.x, train.n],
        ] as const) {
          const ours = model.predict(x, n);
          const onnx = await runOnnx(model.onnx, x, n, [d]);
          expect(onnx.length).toBe(n * width);
          for (let i = 0; i < ours.length; i++) expect(Math.abs(onnx[i] - ours[i])).toBeLessThan(1e-5);
          if (width > 1) expect(argmaxRows(onnx, width)).toEqual(argmaxRows(ours, width));
        }
      }
    }
  });

  it('refuses more neighbours than training rows, with the count', async () => {
    const data = tinyDataset('classification', [[0], [1], [2]], [0, 1, 0], ['a', 'b']);
    await expect(fitLearner(knnLearner, knnParams.parse({}), data, noHooks)).rejects.toThrow(
      /nNeighbors 5 is larger than the 3 training rows/,
    );
  });
});
