/**
 * The export's preprocessing graph against the real data nodes: data.csv → prep.split →
 * prep.standardize → prep.minmax build the Dataset (x assembled by the app), and the exported
 * ONNX must reproduce predictions from the raw CSV values alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { rowsFromDataset } from '../../../../../core/node/export/verifyRows';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { seeded, tinyModel } from './tinyModel';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-export-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCsv(file: string, n: number): void {
  const r = seeded(11);
  const lines = ['age,city,income,rooms,label'];
  for (let i = 0; i < n; i++) {
    const age = i % 13 === 5 ? '' : (30 + r() * 40).toFixed(1);
    const city = i % 17 === 3 ? '' : ['Oslo', 'Lima', 'Pune', 'Kyiv'][i % 4];
    const income = (50_000 + r() * 80_000).toFixed(2);
    const rooms = String(1 + (i % 5));
    lines.push(`${age},${city},${income},${rooms},${i % 3 === 0 ? 'yes' : 'no'}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('export against prep.split / prep.standardize output', () => {
  it('matches in-app predictions on raw CSV values within 1e-5', async () => {
    writeCsv(path.join(dir, 'people.csv'), 300);
    const doc = pipeline(
      [
        { id: 'csv', type: 'data.csv', params: { path: 'people.csv' } },
        { id: 'split', type: 'prep.split', params: { target: 'label', seed: 3 } },
        { id: 'std', type: 'prep.standardize', params: {} },
        { id: 'mm', type: 'prep.minmax', params: { columns: ['rooms'] } },
      ],
      ['csv.table->split.table', 'split.dataset->std.dataset', 'std.dataset->mm.dataset'],
    );
    const engine = createDefaultEngine(dir);
    const outcome = await engine.run(doc, { baseDir: dir, workspace: dir });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation.errors));
    expect(Object.values(outcome.report.nodes).map((n) => n.error ?? n.status)).toEqual([
      'done',
      'done',
      'done',
      'done',
    ]);
    const data = (await outcome.load('mm'))!.outputs.dataset as DatasetValue;
    expect(new Set(data.transforms.map((t) => t.kind))).toEqual(new Set(['impute', 'onehot', 'standardize', 'minmax']));

    const { model } = tinyModel({
      features: data.featureShape[0],
      outputs: 2,
      task: 'classification',
      classNames: data.classNames!,
      rawFeatures: data.rawFeatures!,
      transforms: data.transforms,
      featureNames: data.featureNames!,
    });
    const report = await exportOnnx(model, {
      file: path.join(dir, 'people.onnx'),
      rows: rowsFromDataset(data, 1000, ['test'])!,
    });
    expect(report.rows).toBe(data.splits.test.n);
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(report.labelMismatches).toBe(0);
    expect(report.layout.inputs.map((i) => i.columns)).toEqual([['age', 'income', 'rooms'], ['city']]);
  });
});
