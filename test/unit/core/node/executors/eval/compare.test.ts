import { describe, expect, it } from 'vitest';
import type { DatasetValue, LearnerValue, MetricsValue } from '../../../../../../core/common';
import { mlpParams, mlpSpec } from '../../../../../../core/common/nodes/model/mlp';
import { evalCompareParams } from '../../../../../../core/common/nodes/eval/compare';
import { logisticParams } from '../../../../../../core/common/nodes/ml/logistic';
import { naiveBayesParams } from '../../../../../../core/common/nodes/ml/naive_bayes';
import { trainerParams } from '../../../../../../core/common/nodes/train/trainer';
import { evalCompareExecutor } from '../../../../../../core/node/executors/eval/compare';
import { CancelledError, UserError } from '../../../../../../core/node/executors/Executor';
import { breastCancerDataset } from '../../../../../fixtures/compare/breastCancer';
import oracle from '../../../../../fixtures/compare/sklearn_compare.json';
import { executorContext } from '../../../../../fixtures/executorContext';
import { irisDataset, irisRegression } from '../../../../../fixtures/learners/datasets';
import regressionFolds from '../../../../../fixtures/compare/iris_regression_folds.json';
import { kFolds } from '../../../../../../core/common/metrics';
import { linearParams } from '../../../../../../core/common/nodes/ml/linear';

function recipe(learner: string, params: Record<string, unknown>, seed = 0): LearnerValue {
  return { format: 'weft.learner', learner, task: 'classification', params, seed };
}

const logistic = recipe('ml.logistic', logisticParams.parse({ C: 1, maxIter: 1000, tol: 1e-6 }));
const bayes = recipe('ml.naive_bayes', naiveBayesParams.parse({}));

function context(
  inputs: Record<string, unknown>,
  params: Record<string, unknown> = {},
  ids: Record<string, string> = { learner1: 'logreg', learner2: 'gnb' },
) {
  const ctx = executorContext(evalCompareParams.parse(params), { inputs, nodeId: 'compare' });
  return {
    ...ctx,
    inputSources: Object.fromEntries(
      Object.keys(inputs)
        .filter((k) => k.startsWith('learner'))
        .map((k) => [k, { node: ids[k], port: 'learner' }]),
    ),
  };
}

describe('eval.compare', () => {
  it('5-fold CV on breast_cancer equals scikit-learn Pipeline(StandardScaler, learner) fold by fold', async () => {
    const data = breastCancerDataset();
    const r = await evalCompareExecutor(context({ learner1: logistic, learner2: bayes, data }));
    const m = r.outputs.metrics as MetricsValue;
    const c = m.comparison!;
    expect(c.learners.map((l) => l.id)).toEqual(['logreg', 'gnb']);
    for (const [l, name] of [
      [c.learners[0], 'logistic'],
      [c.learners[1], 'bayes'],
    ] as const) {
      const want = oracle.learners[name];
      expect(l.scores.accuracy.folds).toEqual(want.accuracy.folds.map((v) => expect.closeTo(v, 12)));
      for (const metric of ['balanced_accuracy', 'f1_macro'] as const) {
        l.scores[metric].folds.forEach((v, i) => expect(v).toBeCloseTo(want[metric].folds[i], 9));
      }
      // Gaussian NB's probabilities saturate to 0 and 1 in the float32 model output (ties for the AUC, the
      // log loss clipped at float32 epsilon), so only the logistic model's probability metrics match float64 sklearn.
      if (name === 'logistic') {
        l.scores.roc_auc.folds.forEach((v, i) => expect(v).toBeCloseTo(want.roc_auc.folds[i], 9));
        l.scores.log_loss.folds.forEach((v, i) => expect(v).toBeCloseTo(want.log_loss.folds[i], 5));
      }
      expect(l.scores.accuracy.mean).toBeCloseTo(want.accuracy.mean, 12);
      expect(l.scores.accuracy.std).toBeCloseTo(want.accuracy.std, 12);
    }
    expect(c.learners[0].best).toBe(true);
    expect(c.learners[1].versusBest!.p).toBeCloseTo(oracle.pairedTest.p, 9);
    expect(c.learners[1].versusBest!.significant).toBe(false);
    expect(r.summary!.metrics!['logreg.accuracy_mean']).toBeCloseTo(oracle.learners.logistic.accuracy.mean, 12);
    expect(r.summary!.metrics!['gnb.log_loss_std']).toBeGreaterThan(0);
    const confusion = c.learners[0].confusion!;
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(569);
    expect(confusion[0][0] + confusion[0][1]).toBe(357);
    expect(c.learners[0].roc![0].label).toBe('malignant');
    expect(r.summary!.text).toContain('* logreg');
    expect(r.summary!.text).toMatch(/0\.98\d\d ± 0\.0\d\d\d/);
  });

  it('refuses a class with fewer rows than folds, naming it and the count', async () => {
    const iris = irisDataset();
    const keep = [...iris.splits.train.y].map((c, i) => (c !== 2 || i % 40 === 0 ? i : -1)).filter((i) => i >= 0);
    const train = {
      x: Float32Array.from(keep.flatMap((i) => [...iris.splits.train.x.subarray(i * 4, i * 4 + 4)])),
      y: Int32Array.from(keep.map((i) => iris.splits.train.y[i])),
      n: keep.length,
    };
    const small: DatasetValue = { ...iris, splits: { train } };
    const count = [...train.y].filter((c) => c === 2).length;
    expect(count).toBeLessThan(5);
    const run = evalCompareExecutor(context({ learner1: logistic, data: small }));
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(`class 'virginica' has ${count} row`);
    await expect(run).rejects.toThrow('needs at least 5 per class');
  });

  it('compares a model + trainer pair the same way, reports progress per fold and cancels between folds', async () => {
    const controller = new AbortController();
    const messages: string[] = [];
    const neural: LearnerValue = {
      ...recipe(
        'train.trainer',
        trainerParams.parse({ epochs: 40, batchSize: 16, lr: 0.02, validationFraction: 0 }),
        42,
      ),
      model: mlpSpec(mlpParams.parse({ hidden: [8] })),
    };
    const base = context(
      { learner1: logistic, learner2: neural, data: irisDataset() },
      { folds: 3 },
      { learner1: 'logreg', learner2: 'mlp' },
    );
    const ctx = {
      ...base,
      signal: controller.signal,
      progress: (_f: number, m?: string) => {
        if (m && !messages.includes(m.split(':').slice(0, 2).join(':')))
          messages.push(m.split(':').slice(0, 2).join(':'));
        if (m?.startsWith('fold 2/3: mlp')) controller.abort();
      },
    };
    await expect(evalCompareExecutor(ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(messages).toContain('fold 1/3: logreg');
    expect(messages).toContain('fold 1/3: mlp');
    expect(messages).not.toContain('fold 3/3: logreg');
    const r = await evalCompareExecutor(base);
    const c = (r.outputs.metrics as MetricsValue).comparison!;
    expect(c.learners[1].learner).toBe('train.trainer');
    expect(c.learners[1].scores.accuracy.folds).toHaveLength(3);
    expect(c.learners[1].scores.accuracy.mean).toBeGreaterThan(0.8);
  });

  it('mode test fits on train and scores the test split once', async () => {
    const r = await evalCompareExecutor(context({ learner1: logistic, data: irisDataset() }, { mode: 'test' }));
    const c = (r.outputs.metrics as MetricsValue).comparison!;
    expect(c.learners[0].scores.accuracy.folds).toHaveLength(1);
    expect(r.summary!.metrics!['logreg.accuracy_mean']).toBeGreaterThan(0.8);
    expect(r.summary!.metrics!['logreg.accuracy_std']).toBeUndefined();
    expect(r.summary!.text).toContain('no paired test on one split');
    await expect(
      evalCompareExecutor(
        context(
          { learner1: logistic, data: { ...irisDataset(), splits: { train: irisDataset().splits.train } } },
          { mode: 'test' },
        ),
      ),
    ).rejects.toThrow(/needs a non-empty "test" split/);
  });

  it('regression: MSE, MAE and R² per fold equal scikit-learn LinearRegression on the same folds', async () => {
    const data = irisRegression();
    expect(Array.from(data.splits.train.y)).toEqual(regressionFolds.y);
    expect(kFolds(data.splits.train.n, 4, 1, 7).map((f) => Array.from(f.test))).toEqual(regressionFolds.test);
    const ols: LearnerValue = { ...recipe('ml.linear', linearParams.parse({})), task: 'regression' };
    const ridge: LearnerValue = {
      ...recipe('ml.linear', linearParams.parse({ penalty: 'l2', alpha: 50 })),
      task: 'regression',
    };
    const r = await evalCompareExecutor(
      context(
        { learner1: ols, learner2: ridge, data },
        { folds: 4, seed: 7, rankBy: 'mse' },
        { learner1: 'ols', learner2: 'ridge' },
      ),
    );
    const c = (r.outputs.metrics as MetricsValue).comparison!;
    expect(c.metrics).toEqual(['mse', 'mae', 'r2']);
    expect(c.higherIsBetter).toBe(false);
    const want = oracle.regression;
    for (const m of ['mse', 'mae', 'r2'] as const) {
      c.learners[0].scores[m].folds.forEach((v, i) => expect(v).toBeCloseTo(want[m].folds[i], 5));
      expect(c.learners[0].scores[m].std).toBeCloseTo(want[m].std, 5);
    }
    expect(c.learners[0].scores.mse.mean).toBeLessThan(c.learners[1].scores.mse.mean);
    expect(c.learners[0].best).toBe(true);
    expect(c.learners[1].versusBest!.meanDifference).toBeLessThan(0);
    expect(r.summary!.metrics!['ols.r2_mean']).toBeCloseTo(want.r2.mean, 5);
  });
});
