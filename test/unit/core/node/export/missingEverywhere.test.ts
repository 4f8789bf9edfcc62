/**
 * NaN means missing in every numeric column: prep.split fits a mean imputer for each numeric
 * feature, also those with no missing value in training, and the exported ONNX fills the same way.
 * Rows with NaN in one column at a time go through the app and through onnxruntime-node.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { DatasetValue, TableColumn, TableValue } from '../../../../../core/common';
import { splitParams } from '../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../core/common/nodes/prep/splitTable';
import { assembleFeatures } from '../../../../../core/common/transforms/features';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { rowsFromDataset } from '../../../../../core/node/export/verifyRows';
import { seeded, tinyModel } from './tinyModel';
import { rawColumns } from '../../../../../core/common/splitRaw';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-export-nan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function table(n: number): TableValue {
  const r = seeded(5);
  const col = (name: string, f: (i: number) => number): TableColumn => ({
    name,
    type: 'number',
    values: Float64Array.from({ length: n }, (_, i) => f(i)),
  });
  return {
    rowCount: n,
    columns: [
      col('height', () => 150 + r() * 40),
      col('weight', () => 70 + r() * 30),
      col('age', () => 40 + r() * 50),
      { name: 'team', type: 'category', values: Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]) },
      { name: 'label', type: 'category', values: Array.from({ length: n }, (_, i) => (i % 2 ? 'x' : 'y')) },
    ],
  };
}

const numeric = ['height', 'weight', 'age'];

/** Each test row k times, with NaN in numeric column m of copy m; `filled` has the training mean there instead. */
function nanRows(dataset: DatasetValue, fill = false): { n: number; raw: TableColumn[] } {
  const test = dataset.splits.test;
  const k = numeric.length;
  const n = test.n * k;
  const raw = rawColumns(test)!.map((c): TableColumn => {
    const j = numeric.indexOf(c.name);
    if (j < 0) {
      const values = (c.values as (string | null)[]).flatMap((v) => Array<string | null>(k).fill(v));
      return { ...c, type: 'category', values };
    }
    const imp = dataset.transforms.find((t) => t.column === c.name && t.kind === 'impute');
    const mean = imp?.kind === 'impute' ? Number(imp.value) : NaN;
    const values = new Float64Array(n);
    (c.values as Float64Array).forEach((v, i) => {
      for (let m = 0; m < k; m++) values[i * k + m] = m === j ? (fill ? mean : NaN) : v;
    });
    return { ...c, type: 'number', values };
  });
  return { n, raw };
}

describe('NaN = missing for every numeric column', () => {
  it('the app and the exported file fill NaN in each column with the training mean and agree', async () => {
    const { dataset } = splitTable(table(200), splitParams.parse({ target: 'label', seed: 1 }));
    const train = rawColumns(dataset.splits.train)!;
    for (const name of numeric) {
      const imp = dataset.transforms.find((t) => t.column === name);
      const v = train.find((c) => c.name === name)!.values as Float64Array;
      expect(imp?.kind === 'impute' ? imp.value : undefined).toBeCloseTo(v.reduce((a, b) => a + b, 0) / v.length, 9);
    }

    const { model } = tinyModel({
      features: dataset.featureShape[0],
      outputs: 2,
      task: 'classification',
      classNames: ['x', 'y'],
      rawFeatures: dataset.rawFeatures!,
      transforms: dataset.transforms,
      featureNames: dataset.featureNames!,
    });
    const { n, raw } = nanRows(dataset);
    const x = assembleFeatures(raw, dataset.rawFeatures!, dataset.transforms, n);
    expect(x.some((v) => Number.isNaN(v))).toBe(false);

    const report = await exportOnnx(model, {
      file: path.join(dir, 'nan.onnx'),
      rows: { n, x, raw, source: `${n} rows with NaN in one numeric column each` },
    });
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(report.labelMismatches).toBe(0);
  });

  it('static int8: NaN in each column gives the same label as the float file, and exactly what the filled-in row gives', async () => {
    const { dataset } = splitTable(table(400), splitParams.parse({ target: 'label', seed: 1 }));
    const { model } = tinyModel({
      features: dataset.featureShape[0],
      outputs: 2,
      task: 'classification',
      classNames: ['x', 'y'],
      rawFeatures: dataset.rawFeatures!,
      transforms: dataset.transforms,
      featureNames: dataset.featureNames!,
      seed: 3,
    });
    const { n, raw } = nanRows(dataset);
    const x = assembleFeatures(raw, dataset.rawFeatures!, dataset.transforms, n);
    const file = path.join(dir, 'nan-static.onnx');
    const report = await exportOnnx(model, {
      file,
      rows: { n, x, raw, source: `${n} rows with NaN in one numeric column each` },
      quantize: 'force',
      int8: { calibration: rowsFromDataset(dataset, 1000, ['train'])! },
    });
    const q = report.quantized!;
    expect(q.mode).toBe('static');
    expect(q.batchDependence).toBe(0);
    const run = async (f: string, rows: { n: number; raw: TableColumn[] }, runtime: typeof ort = ort) => {
      const col = (name: string) => rows.raw.find((c) => c.name === name)!.values;
      const numericIn = new Float64Array(rows.n * 3);
      numeric.forEach((name, j) => (col(name) as Float64Array).forEach((v, i) => (numericIn[i * 3 + j] = v)));
      const s = await runtime.InferenceSession.create(readFileSync(f));
      const o = await s.run({
        numeric: new runtime.Tensor('float64', numericIn, [rows.n, 3]),
        categorical: new runtime.Tensor('string', col('team') as string[], [rows.n, 1]),
      });
      await s.release();
      return { p: Array.from(o.probabilities.data as Float32Array), label: Array.from(o.label.data as BigInt64Array) };
    };
    const [floatNan, int8Nan, int8Filled] = [
      await run(file, { n, raw }),
      await run(q.file, { n, raw }),
      await run(q.file, nanRows(dataset, true)),
    ];
    expect(int8Nan.label).toEqual(floatNan.label);
    expect(int8Nan.p).toEqual(int8Filled.p);
    // onnxruntime-web (wasm, run here in Node) reads the same int8 file to the same numbers.
    const web = await run(q.file, { n, raw }, ortWeb as unknown as typeof ort);
    expect(web.label).toEqual(int8Nan.label);
    web.p.forEach((v, i) => expect(Math.abs(v - int8Nan.p[i])).toBeLessThanOrEqual(1e-6));
    for (const v of int8Nan.p) expect(Number.isFinite(v)).toBe(true);
  });
});
