import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricsValue, PredictionsValue } from '../../../../../core/common';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { tempDir } from '../onnx/onnxFiles';

const dir = tempDir('weft-test-file-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const [header, ...lines] = readFileSync(path.resolve('resources/data/iris.csv'), 'utf8').trim().split(/\r?\n/);
const trainLines = lines.filter((_, i) => i % 3 !== 0);
const testLines = lines.filter((_, i) => i % 3 === 0);
writeFileSync(path.join(dir, 'train.csv'), [header, ...trainLines].join('\n'));
writeFileSync(path.join(dir, 'test.csv'), [header, ...testLines].join('\n'));

describe('train on train.csv, score on test.csv in one pipeline', () => {
  const doc = pipeline(
    [
      { id: 'train_csv', type: 'data.csv', params: { path: 'train.csv' } },
      { id: 'test_csv', type: 'data.csv', params: { path: 'test.csv' } },
      { id: 'split', type: 'prep.split', params: { target: 'species', train: 0.85, validation: 0.15, seed: 3 } },
      { id: 'scale', type: 'prep.standardize' },
      { id: 'mlp', type: 'model.mlp', params: { hidden: [8] } },
      { id: 'fit', type: 'train.trainer', params: { epochs: 5, lr: 0.05, provider: 'cpu', threads: 1 } },
      { id: 'score', type: 'eval.classification', params: { split: 'test' } },
      { id: 'predict', type: 'eval.predict', params: { split: 'test' } },
      { id: 'own_split', type: 'prep.split', params: { target: 'species', train: 1, validation: 0, test: 0 } },
      { id: 'wrong', type: 'eval.classification', params: { split: 'train' } },
    ],
    [
      'train_csv.table->split.table',
      'test_csv.table->split.test',
      'split.dataset->scale.dataset',
      'scale.dataset->fit.data',
      'mlp.model->fit.model',
      'fit.model->score.model',
      'scale.dataset->score.data',
      'fit.model->predict.model',
      'scale.dataset->predict.data',
      'test_csv.table->own_split.table',
      'fit.model->wrong.model',
      'own_split.dataset->wrong.data',
    ],
  );

  it('scores the test file’s rows, labelled with their source, and refuses the branch without the scaler', async () => {
    const outcome = await createDefaultEngine(dir).run(doc, { baseDir: dir, workspace: dir });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation));
    const { nodes } = outcome.report;
    expect(nodes.score.status).toBe('done');
    expect(nodes.split.summary?.text).toMatch(/test \(test\.csv, 50 rows\)/);
    expect(nodes.wrong.status).toBe('failed');
    expect(nodes.wrong.error).toMatch(
      /eval\.classification \(wrong\): the "train" split of the dataset was prepared differently .*the model was trained behind standardize on 'sepal_length'/,
    );
    const metrics = (await outcome.load('score'))!.outputs.metrics as MetricsValue;
    expect(metrics.splitLabel).toBe('test (test.csv, 50 rows)');
    expect(metrics.tables[0].title).toBe('Per class (test (test.csv, 50 rows))');
    const p = (await outcome.load('predict'))!.outputs.predictions as PredictionsValue;
    expect(p.n).toBe(testLines.length);
    let right = 0;
    for (let i = 0; i < p.n; i++) {
      const label = testLines[p.rowIds![i] - 1].split(',')[4];
      if (p.classNames![p.predicted[i]] === label) right++;
    }
    expect(metrics.scalars.accuracy).toBeCloseTo(right / p.n, 12);
  });
});
