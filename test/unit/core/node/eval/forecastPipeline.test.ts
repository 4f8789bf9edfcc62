/**
 * A tiny windowed pipeline end to end: data.csv → prep.window → Input → LSTM → Dense(auto) →
 * train.trainer → eval.regression (against the naive last value) and export.onnx (verified on the
 * window tensor).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetValue, MetricsValue, PredictionsValue, TrainedModelValue } from '../../../../../core/common';
import { decodeModel } from '../../../../../core/common/model/onnx/decodeModel';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { runTrainedModel } from '../../../../../core/node/inference/runModel';
import { pipeline } from '../../../../fixtures/pipelineBuilder';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-forecast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const n = 120;
const temp = Array.from({ length: n }, (_, t) => 10 + 8 * Math.sin((2 * Math.PI * t) / 12));
const load = Array.from({ length: n }, (_, t) => 100 + 0.5 * t + 0.3 * temp[t] + Math.cos(t * 1.7));

beforeAll(() => {
  // rows written newest first: prep.window must sort them
  const rows = Array.from({ length: n }, (_, t) => `${t},${temp[t].toFixed(6)},${load[t].toFixed(6)}`).reverse();
  writeFileSync(path.join(dir, 'series.csv'), `t,temp,load\n${rows.join('\n')}\n`);
});

describe('windowed forecast pipeline', () => {
  it('trains an LSTM on windows and scores it in original units against the naive last value', async () => {
    const doc = pipeline(
      [
        { id: 'csv', type: 'data.csv', params: { path: 'series.csv' } },
        {
          id: 'window',
          type: 'prep.window',
          params: { time: 't', target: 'load', lookback: 6, horizon: 2, differences: true },
        },
        { id: 'in', type: 'layer.input', params: {} },
        { id: 'lstm', type: 'layer.lstm', params: { units: 8 } },
        { id: 'out', type: 'layer.dense', params: { units: 'auto' } },
        { id: 'train', type: 'train.trainer', params: { epochs: 4, batchSize: 16, lr: 0.01, seed: 3 } },
        { id: 'metrics', type: 'eval.regression', params: { split: 'test' } },
        { id: 'export', type: 'export.onnx', params: { path: 'forecast.onnx' } },
        { id: 'predict', type: 'eval.predict', params: { split: 'test' } },
        { id: 'importance', type: 'eval.importance', params: { split: 'test', repeats: 2 } },
      ],
      [
        'csv.table->window.table',
        'in.model->lstm.in',
        'lstm.model->out.in',
        'out.model->train.model',
        'window.dataset->train.data',
        'train.model->metrics.model',
        'window.dataset->metrics.data',
        'train.model->export.model',
        'window.dataset->export.data',
        'train.model->predict.model',
        'window.dataset->predict.data',
        'train.model->importance.model',
        'window.dataset->importance.data',
      ],
    );
    const engine = createDefaultEngine(dir);
    const outcome = await engine.run(doc, { baseDir: dir, workspace: dir });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation.errors));
    for (const [id, r] of Object.entries(outcome.report.nodes)) expect(r.error ?? r.status, id).toBe('done');

    const data = (await outcome.load('window'))!.outputs.dataset as DatasetValue;
    const model = (await outcome.load('train'))!.outputs.model as TrainedModelValue;
    const metrics = (await outcome.load('metrics'))!.outputs.metrics as MetricsValue;
    expect(model.featureShape).toEqual([6, 2]);
    expect(model.window).toEqual(data.window);

    // Periods by hand: 18 test rows (102–119), 18 validation rows (84–101). Differences: windows start
    // at row 1, so test windows end at rows 101…117 and forecast the next 2 rows.
    const ends = Array.from({ length: 17 }, (_, k) => 101 + k);
    expect(Array.from(data.splits.test.windowEnd!)).toEqual(ends);
    let naiveAbs = 0;
    for (const e of ends) for (const h of [1, 2]) naiveAbs += Math.abs(load[e + h] - load[e]);
    expect(metrics.scalars.naive_mae).toBeCloseTo(naiveAbs / (2 * ends.length), 5);

    // The model's own outputs, mapped back by hand: change × std + mean, plus the window's last load.
    const out = await runTrainedModel(model, data.splits.test, data.splits.test.n);
    const { targetMean, targetStd } = data.window!.scaling!;
    let abs = 0;
    ends.forEach((e, k) => {
      for (const h of [1, 2]) {
        const predicted = out.values[k * 2 + h - 1] * targetStd + targetMean + load[e];
        abs += Math.abs(load[e + h] - predicted);
      }
    });
    expect(metrics.scalars.mae).toBeCloseTo(abs / (2 * ends.length), 4);
    const predictions = (await outcome.load('predict'))!.outputs.predictions as PredictionsValue;
    expect(predictions.actual![0]).toBeCloseTo(load[102], 3);
    expect(predictions.actual![1]).toBeCloseTo(load[103], 3);
    expect(predictions.predicted[0]).toBeCloseTo(out.values[0] * targetStd + targetMean + load[101], 3);
    expect(Array.from(predictions.rowIds!.subarray(0, 2))).toEqual([n - 102, n - 103]);
    expect(metrics.scalars.mae_vs_naive).toBeCloseTo(metrics.scalars.mae / metrics.scalars.naive_mae, 10);
    for (const k of ['rmse', 'mape', 'smape', 'naive_rmse', 'naive_mape', 'naive_smape', 'rmse_vs_naive'])
      expect(Number.isFinite(metrics.scalars[k]), k).toBe(true);
    expect(metrics.forecast!.time).toEqual(ends.map((e) => e + 1));
    expect(metrics.forecast!.actual[0]).toBeCloseTo(load[102], 4);
    expect(metrics.forecast!.naive[0]).toBeCloseTo(load[101], 4);
    expect(metrics.forecast!.history.value.length).toBe(n);

    const importance = (await outcome.load('importance'))!.outputs.metrics as MetricsValue;
    expect(importance.importance!.features.map((f) => f.name).sort()).toEqual(
      ['temp', 'load'].flatMap((c) => ['@t-5', '@t-4', '@t-3', '@t-2', '@t-1', '@t'].map((l) => c + l)).sort(),
    );

    const exported = (await outcome.load('export'))!.summary!;
    expect(exported.text).toMatch(/inputs: \w+ float32\[\w+, 6, 2\]/);
    expect(exported.metrics!.max_abs_diff).toBeLessThanOrEqual(1e-5);
    const written = decodeModel(readFileSync(path.join(dir, 'forecast.onnx')));
    const card = JSON.parse(written.metadata!.find((m) => m.key === 'weft.model_card')!.value) as { window: unknown };
    expect(card.window).toEqual(data.window);
  }, 120_000);

  it('refuses a table preprocessing step after prep.window, and cross-validation over its windows', async () => {
    const doc = pipeline(
      [
        { id: 'csv', type: 'data.csv', params: { path: 'series.csv' } },
        { id: 'window', type: 'prep.window', params: { time: 't', target: 'load' } },
        { id: 'std', type: 'prep.standardize', params: {} },
        { id: 'tree', type: 'ml.tree', params: {} },
        { id: 'compare', type: 'eval.compare', params: { mode: 'cv' } },
      ],
      [
        'csv.table->window.table',
        'window.dataset->std.dataset',
        'window.dataset->tree.data',
        'tree.learner->compare.learner1',
        'window.dataset->compare.data',
      ],
    );
    const outcome = await createDefaultEngine(dir).run(doc, { baseDir: dir, workspace: dir });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation.errors));
    expect(outcome.report.nodes.std?.error).toMatch(
      /node std: the dataset is time-series windows from prep.window.*scale param/,
    );
    expect(outcome.report.nodes.tree?.status).toBe('done');
    expect(outcome.report.nodes.compare?.error).toMatch(/time-series windows .*leak the future, so use mode 'test'/);
  });
});
