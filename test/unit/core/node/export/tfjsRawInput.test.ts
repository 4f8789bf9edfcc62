/**
 * The TF.js export on raw rows: iris (numeric columns, prep.split's imputers + prep.standardize)
 * folds the scaling into the first Dense layer, so tf.loadLayersModel's predict on raw
 * measurements equals the app's probabilities; a table with categories ships preprocess.js, whose
 * features() equals the app's own feature assembly.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue, TableColumn } from '../../../../../core/common';
import { assembleFeatures } from '../../../../../core/common/transforms/features';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { exportTfjs, folderLoader } from '../../../../../core/node/export/exportTfjs';
import { rowsFromDataset } from '../../../../../core/node/export/verifyRows';
import { runTrainedModel } from '../../../../../core/node/inference/runModel';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { seeded, tinyModel } from './tinyModel';
import { rawColumns } from '../../../../../core/common/splitRaw';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-tfjs-raw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dataset(
  csv: string,
  extra: { id: string; type: string; params: Record<string, unknown> }[],
): Promise<DatasetValue> {
  const nodes = [
    { id: 'csv', type: 'data.csv', params: { path: csv } },
    { id: 'split', type: 'prep.split', params: { target: csv === 'iris.csv' ? 'species' : 'label', seed: 3 } },
    ...extra,
  ];
  const edges = ['csv.table->split.table'];
  let prev = 'split';
  for (const n of extra) {
    edges.push(`${prev}.dataset->${n.id}.dataset`);
    prev = n.id;
  }
  const outcome = await createDefaultEngine(dir).run(pipeline(nodes, edges), { baseDir: dir, workspace: dir });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation.errors));
  return (await outcome.load(prev))!.outputs.dataset as DatasetValue;
}

const modelFor = (data: DatasetValue): ReturnType<typeof tinyModel> =>
  tinyModel({
    features: data.featureShape[0],
    outputs: data.classNames!.length,
    task: 'classification',
    classNames: data.classNames!,
    rawFeatures: data.rawFeatures!,
    transforms: data.transforms,
    featureNames: data.featureNames!,
    seed: 4,
  });

describe('export.tfjs on raw rows', () => {
  it('iris: model.predict on raw measurements equals the app within 1e-5; labels.json names the classes', async () => {
    copyFileSync(path.resolve('resources/data/iris.csv'), path.join(dir, 'iris.csv'));
    const data = await dataset('iris.csv', [{ id: 'std', type: 'prep.standardize', params: {} }]);
    expect(data.transforms.filter((t) => t.kind === 'standardize')).toHaveLength(4);
    const { model } = modelFor(data);
    const out = path.join(dir, 'iris-tfjs');
    const report = await exportTfjs(model, { dir: out, rows: rowsFromDataset(data, 1000, ['test'])! });
    expect(report.input.raw).toBe(true);
    expect(report.input.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(report.input.caller).toMatch(/replace missing values with the training fill/);
    expect(JSON.parse(readFileSync(path.join(out, 'labels.json'), 'utf8'))).toEqual(data.classNames);

    const test = data.splits.test;
    const raw = rawColumns(test)!;
    const n = test.n;
    const rawX = new Float32Array(n * 4);
    raw.forEach((c, j) => {
      for (let i = 0; i < n; i++) rawX[i * 4 + j] = c.values[i] as number;
    });
    const app = await runTrainedModel(model, test.x, n);
    const loaded = await tf.loadLayersModel(folderLoader(path.join(out, 'model.json')));
    const got = (loaded.predict(tf.tensor2d(rawX, [n, 4])) as tf.Tensor).dataSync();
    loaded.dispose();
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - app.values[i]));
    expect(diff).toBeLessThanOrEqual(1e-5);
    // Raw rows fed as the old export wanted them (already standardized) no longer match: the input really is raw.
    expect(Math.abs(rawX[0] - test.x[0])).toBeGreaterThan(1);

    const pre = (await import(pathToFileURL(path.join(out, 'preprocess.js')).href)) as {
      modelInput: (row: unknown) => number[];
      RAW_INPUT: boolean;
    };
    expect(pre.RAW_INPUT).toBe(true);
    const imputer = data.transforms.find((t) => t.kind === 'impute' && t.column === 'petal_width');
    const fill = imputer?.kind === 'impute' ? imputer.value : undefined;
    expect(typeof fill).toBe('number');
    expect(pre.modelInput({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: NaN })).toEqual([
      5.1,
      3.5,
      1.4,
      fill,
    ]);
  });

  it('a table with categories and missing values: preprocess.js features() equals the app’s assembly', async () => {
    const r = seeded(11);
    const lines = ['age,city,income,rooms,label'];
    for (let i = 0; i < 120; i++) {
      const age = i % 13 === 5 ? '' : (30 + r() * 40).toFixed(1);
      const city = i % 17 === 3 ? '' : ['Oslo', 'Lima', 'Pune', 'Kyiv'][i % 4];
      lines.push(`${age},${city},${(50_000 + r() * 80_000).toFixed(2)},${1 + (i % 5)},${i % 3 ? 'no' : 'yes'}`);
    }
    writeFileSync(path.join(dir, 'people.csv'), `${lines.join('\n')}\n`);
    const data = await dataset('people.csv', [
      { id: 'std', type: 'prep.standardize', params: {} },
      { id: 'mm', type: 'prep.minmax', params: { columns: ['rooms'] } },
    ]);
    expect(new Set(data.transforms.map((t) => t.kind))).toEqual(new Set(['impute', 'onehot', 'standardize', 'minmax']));
    const { model } = modelFor(data);
    const out = path.join(dir, 'people-tfjs');
    const report = await exportTfjs(model, { dir: out, rows: rowsFromDataset(data, 1000, ['test'])! });
    expect(report.input.raw).toBe(false);
    expect(report.input.caller).toMatch(/column 'city' holds categories.*preprocess\.js/);
    const pre = (await import(pathToFileURL(path.join(out, 'preprocess.js')).href)) as {
      features: (row: unknown) => number[];
      modelInputs: (rows: unknown[]) => number[];
    };
    const rows = [
      { age: NaN, city: 'Lima', income: 61000, rooms: 2 },
      { age: 44.5, city: null, income: 90000.5, rooms: 5 },
      { age: 33, city: 'Atlantis', income: 52000, rooms: 1 },
      { age: '', city: 'Kyiv', income: 130000, rooms: 3 },
    ];
    const table: TableColumn[] = [
      { name: 'age', type: 'number', values: Float64Array.from([NaN, 44.5, 33, NaN]) },
      { name: 'city', type: 'category', values: ['Lima', null, 'Atlantis', 'Kyiv'] },
      { name: 'income', type: 'number', values: Float64Array.from([61000, 90000.5, 52000, 130000]) },
      { name: 'rooms', type: 'integer', values: Float64Array.from([2, 5, 1, 3]) },
    ];
    const app = assembleFeatures(table, data.rawFeatures!, data.transforms, rows.length);
    const mine = pre.modelInputs(rows);
    expect(mine).toHaveLength(app.length);
    mine.forEach((v, i) => expect(Math.abs(v - app[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(app[i]))));
    expect(pre.features(rows[0])).toEqual(mine.slice(0, app.length / rows.length));
  });
});
