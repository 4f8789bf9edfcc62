import { describe, expect, it } from 'vitest';
import type { DatasetValue, LearnerValue, TrainedModelValue } from '../../../../../../core/common';
import { fitLearner, learnerModules } from '../../../../../../core/common/learners';
import { boostingParams } from '../../../../../../core/common/nodes/ml/boosting';
import { forestParams } from '../../../../../../core/common/nodes/ml/forest';
import { linearParams } from '../../../../../../core/common/nodes/ml/linear';
import { CancelledError, UserError } from '../../../../../../core/node/executors/Executor';
import { boostingExecutor } from '../../../../../../core/node/executors/ml/boosting';
import { forestExecutor } from '../../../../../../core/node/executors/ml/forest';
import { linearExecutor } from '../../../../../../core/node/executors/ml/linear';
import { logisticExecutor } from '../../../../../../core/node/executors/ml/logistic';
import { logisticParams } from '../../../../../../core/common/nodes/ml/logistic';
import { executorContext } from '../../../../../fixtures/executorContext';
import { irisDataset, noHooks } from '../../../../../fixtures/learners/datasets';

describe('learner executors', () => {
  it('report progress per tree and stop between trees when cancelled', async () => {
    const controller = new AbortController();
    const messages: string[] = [];
    const ctx = {
      ...executorContext(forestParams.parse({ nEstimators: 20 }), { inputs: { data: irisDataset() } }),
      signal: controller.signal,
      progress: (_f: number, m?: string) => {
        messages.push(m ?? '');
        if (m === 'tree 3 of 20') controller.abort();
      },
    };
    await expect(forestExecutor(ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(messages.filter((m) => m.startsWith('tree'))).toEqual(['tree 1 of 20', 'tree 2 of 20', 'tree 3 of 20']);
  });

  it('logistic regression reports solver iterations and stops between them when cancelled', async () => {
    const controller = new AbortController();
    const messages: string[] = [];
    const ctx = {
      ...executorContext(logisticParams.parse({ maxIter: 1000, tol: 1e-12 }), { inputs: { data: irisDataset() } }),
      signal: controller.signal,
      progress: (_f: number, m?: string) => {
        messages.push(m ?? '');
        if (m === 'lbfgs iteration 20') controller.abort();
      },
    };
    await expect(logisticExecutor(ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(messages.filter((m) => m.startsWith('lbfgs iteration'))).toEqual([
      'lbfgs iteration 10',
      'lbfgs iteration 20',
    ]);
  });

  it('boosting reports its loss per iteration as epoch metrics, falling', async () => {
    const points: { epoch: number; loss: number }[] = [];
    const ctx = {
      ...executorContext(boostingParams.parse({ maxIter: 15 }), { inputs: { data: irisDataset() } }),
      epochMetrics: (epoch: number, m: Record<string, number>) => points.push({ epoch, loss: m.loss }),
    };
    const r = await boostingExecutor(ctx);
    expect(points.map((p) => p.epoch)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(points[14].loss).toBeLessThan(points[0].loss);
    expect((r.outputs.model as TrainedModelValue).history).toHaveLength(15);
  });

  it('is reproducible bit for bit, and the Learner value fits the same model again', async () => {
    const params = forestParams.parse({ nEstimators: 10, seed: 7 });
    const run = () => forestExecutor(executorContext(params, { inputs: { data: irisDataset() } }));
    const a = await run();
    const b = await run();
    const model = a.outputs.model as TrainedModelValue;
    expect(Buffer.from(model.onnx).equals(Buffer.from((b.outputs.model as TrainedModelValue).onnx))).toBe(true);
    const learner = a.outputs.learner as LearnerValue;
    expect(learner).toMatchObject({ format: 'weft.learner', learner: 'ml.forest', task: 'classification', seed: 7 });
    const again = await fitLearner(learnerModules['ml.forest'], learner.params as never, irisDataset(), noHooks);
    expect(Buffer.from(again.model.onnx).equals(Buffer.from(model.onnx))).toBe(true);
    const other = await forestExecutor(
      executorContext(forestParams.parse({ nEstimators: 10, seed: 8 }), { inputs: { data: irisDataset() } }),
    );
    expect(Buffer.from((other.outputs.model as TrainedModelValue).onnx).equals(Buffer.from(model.onnx))).toBe(false);
  });

  it('carries the dataset’s fitted transforms and names into the TrainedModel', async () => {
    const data: DatasetValue = {
      ...irisDataset(),
      transforms: [{ kind: 'standardize', column: 'sepal_length', mean: 5.8, std: 0.8 }],
    };
    const r = await forestExecutor(executorContext(forestParams.parse({ nEstimators: 2 }), { inputs: { data } }));
    const model = r.outputs.model as TrainedModelValue;
    expect(model.transforms).toEqual(data.transforms);
    expect(model.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(model.trainParams.learner).toBe('ml.forest');
    expect(r.summary?.text).toMatch(/feature importance: petal/);
    expect(r.summary?.tree?.title).toBe('first of 2 trees');
    expect(r.summary?.tree?.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('turns bad input into a UserError naming the node: wrong task, NaN features', async () => {
    const wrong = linearExecutor(
      executorContext(linearParams.parse({}), { inputs: { data: irisDataset() }, nodeId: 'lin' }),
    );
    await expect(wrong).rejects.toBeInstanceOf(UserError);
    await expect(wrong).rejects.toThrow(/ml\.linear \(lin\): .*ml\.logistic/);
    const holes = irisDataset();
    holes.splits.train.x[4 * 10 + 2] = NaN;
    const forest = forestExecutor(executorContext(forestParams.parse({ nEstimators: 2 }), { inputs: { data: holes } }));
    await expect(forest).rejects.toThrow(/column petal_length has a missing value \(NaN\) in row 10.*prep\.impute/);
    const boosted = await boostingExecutor(
      executorContext(boostingParams.parse({ maxIter: 5 }), { inputs: { data: holes } }),
    );
    expect((boosted.outputs.model as TrainedModelValue).onnx.length).toBeGreaterThan(0);
  });
});
