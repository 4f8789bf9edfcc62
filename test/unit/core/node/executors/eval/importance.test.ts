import { describe, expect, it } from 'vitest';
import type { DatasetValue, MetricsValue, TableColumn } from '../../../../../../core/common';
import { fitLearner } from '../../../../../../core/common/learners';
import { treeLearner } from '../../../../../../core/common/learners/forest';
import { linearLearner } from '../../../../../../core/common/learners/linear';
import { logisticLearner } from '../../../../../../core/common/learners/logistic';
import { logisticParams } from '../../../../../../core/common/nodes/ml/logistic';
import { fitTfidf, tfidfParams } from '../../../../../../core/common/nodes/prep/fitTfidf';
import { seededRandom } from '../../../../../../core/common/nodes/prep/random';
import { withTransforms } from '../../../../../../core/common/nodes/prep/refitDataset';
import { evalImportanceParams } from '../../../../../../core/common/nodes/eval/importance';
import { linearParams } from '../../../../../../core/common/nodes/ml/linear';
import { treeParams } from '../../../../../../core/common/nodes/ml/tree';
import { evalImportanceExecutor } from '../../../../../../core/node/executors/eval/importance';
import { executorContext } from '../../../../../fixtures/executorContext';
import { noHooks } from '../../../../../fixtures/learners/datasets';

const n = 400;

function synthetic(task: 'classification' | 'regression'): DatasetValue {
  const random = seededRandom(3);
  const rows = Array.from({ length: n }, () => [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]);
  const y = rows.map((r) => (task === 'classification' ? (r[1] > 0 ? 1 : 0) : 3 * r[1]));
  const split = (lo: number, hi: number) => ({
    x: Float32Array.from(rows.slice(lo, hi).flat()),
    y: task === 'classification' ? Int32Array.from(y.slice(lo, hi)) : Float32Array.from(y.slice(lo, hi)),
    n: hi - lo,
  });
  return {
    task,
    featureShape: [3],
    featureNames: ['noise_a', 'signal', 'noise_b'],
    ...(task === 'classification' ? { classNames: ['neg', 'pos'] } : { targetDim: 1 }),
    splits: { train: split(0, 300), test: split(300, n) },
    transforms: [],
  };
}

async function importance(model: unknown, data: DatasetValue, params: Record<string, unknown> = {}) {
  const r = await evalImportanceExecutor(
    executorContext(evalImportanceParams.parse(params), { inputs: { model, data }, nodeId: 'imp' }),
  );
  return (r.outputs.metrics as MetricsValue).importance!;
}

describe('eval.importance', () => {
  it('only the feature a depth-1 tree splits on matters; shuffling it costs about half the accuracy', async () => {
    const data = synthetic('classification');
    const { model } = await fitLearner(treeLearner, treeParams.parse({ maxDepth: 1 }), data, noHooks);
    const imp = await importance(model, data, { repeats: 10 });
    expect(imp.metric).toBe('accuracy');
    expect(imp.baseline).toBe(1);
    expect(imp.features.map((f) => f.name)).toEqual(['signal', 'noise_a', 'noise_b']);
    expect(imp.features[0].values).toHaveLength(10);
    expect(imp.features[0].mean).toBeGreaterThan(0.35);
    expect(imp.features[0].mean).toBeLessThan(0.65);
    expect(imp.features[0].std).toBeGreaterThan(0);
    for (const f of imp.features.slice(1)) expect(f).toMatchObject({ mean: 0, std: 0 });
  });

  it('regression: shuffling the only informative feature of y = 3·x drops R² by about 2', async () => {
    const data = synthetic('regression');
    const { model } = await fitLearner(linearLearner, linearParams.parse({}), data, noHooks);
    const imp = await importance(model, data, { repeats: 20, seed: 1 });
    expect(imp.metric).toBe('r2');
    expect(imp.baseline).toBeCloseTo(1, 5);
    expect(imp.features[0].name).toBe('signal');
    // E[(x' − x)²] = 2·Var(x) for an independent copy x', so R² falls from 1 to about −1.
    expect(imp.features[0].mean).toBeGreaterThan(1.7);
    expect(imp.features[0].mean).toBeLessThan(2.3);
    for (const f of imp.features.slice(1)) expect(Math.abs(f.mean)).toBeLessThan(1e-5);
  });

  it('shuffles the one-hot columns of one original column together and reports the column', async () => {
    const random = seededRandom(5);
    const colors = ['red', 'green', 'blue'];
    const c = Array.from({ length: n }, () => colors[Math.floor(random() * 3)]);
    const noise = Float64Array.from({ length: n }, () => random());
    const y = Int32Array.from(c, (v) => (v === 'red' ? 1 : 0));
    const raw = (lo: number, hi: number): TableColumn[] => [
      { name: 'color', type: 'category', values: c.slice(lo, hi) },
      { name: 'noise', type: 'number', values: noise.slice(lo, hi) },
    ];
    const data = withTransforms(
      {
        task: 'classification',
        featureShape: [1],
        classNames: ['other', 'red'],
        rawFeatures: [
          { name: 'color', type: 'category' },
          { name: 'noise', type: 'number' },
        ],
        transforms: [],
        splits: {
          train: { x: new Float32Array(0), y: y.slice(0, 300), n: 300, raw: raw(0, 300) },
          test: { x: new Float32Array(0), y: y.slice(300), n: 100, raw: raw(300, n) },
        },
      },
      [{ kind: 'onehot', column: 'color', categories: colors.slice().sort(), unknown: 'ignore' }],
    );
    const { model } = await fitLearner(treeLearner, treeParams.parse({ maxDepth: 2 }), data, noHooks);
    const grouped = await importance(model, data);
    expect(grouped.features.map((f) => f.name)).toEqual(['color', 'noise']);
    expect(grouped.features[0].mean).toBeGreaterThan(0.2);
    const slots = await importance(model, data, { groupOneHot: false });
    expect(slots.features.map((f) => f.name).sort()).toEqual(['color=blue', 'color=green', 'color=red', 'noise']);
  });
});

describe('eval.importance on sparse TF-IDF features', () => {
  it('refuses, pointing to the learner summary', async () => {
    const docs = ['cheap pills now', 'meeting notes', 'cheap offer now', 'notes from the meeting'];
    const text: TableColumn = { name: 'text', type: 'text', values: docs };
    const split = { x: new Float32Array(0), y: Int32Array.of(1, 0, 1, 0), n: 4, raw: [text] };
    const data = fitTfidf(
      {
        task: 'classification',
        featureShape: [0],
        classNames: ['ham', 'spam'],
        rawFeatures: [{ name: 'text', type: 'text' }],
        transforms: [],
        splits: { train: split, test: split },
      },
      tfidfParams.parse({}),
    ).dataset;
    const { model } = await fitLearner(logisticLearner, logisticParams.parse({}), data, noHooks);
    await expect(importance(model, data)).rejects.toThrow(
      'eval.importance (imp): the "test" split holds 8 sparse TF-IDF features (prep.tfidf); shuffling each of them is not supported',
    );
  });
});
