/**
 * NaN means missing in every numeric column: prep.split fits a mean imputer for each numeric
 * feature, also those with no missing value in training, and the exported ONNX fills the same way.
 * Rows with NaN in one column at a time go through the app and through onnxruntime-node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TableColumn, TableValue } from '../../../../../core/common';
import { splitParams } from '../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../core/common/nodes/prep/splitTable';
import { assembleFeatures } from '../../../../../core/common/transforms/features';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { seeded, tinyModel } from './tinyModel';

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

describe('NaN = missing for every numeric column', () => {
  it('the app and the exported file fill NaN in each column with the training mean and agree', async () => {
    const { dataset } = splitTable(table(200), splitParams.parse({ target: 'label', seed: 1 }));
    const numeric = ['height', 'weight', 'age'];
    const train = dataset.splits.train.raw!;
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
    const test = dataset.splits.test;
    const k = numeric.length;
    const n = test.n * k;
    const raw = test.raw!.map((c): TableColumn => {
      const j = numeric.indexOf(c.name);
      if (j < 0) {
        const values = (c.values as (string | null)[]).flatMap((v) => Array<string | null>(k).fill(v));
        return { ...c, type: 'category', values };
      }
      const values = new Float64Array(n);
      (c.values as Float64Array).forEach((v, i) => {
        for (let m = 0; m < k; m++) values[i * k + m] = m === j ? NaN : v;
      });
      return { ...c, type: 'number', values };
    });
    const x = assembleFeatures(raw, dataset.rawFeatures!, dataset.transforms, n);
    expect(x.some((v) => Number.isNaN(v))).toBe(false);

    const report = await exportOnnx(model, {
      file: path.join(dir, 'nan.onnx'),
      rows: { n, x, raw, source: `${n} rows with NaN in one numeric column each` },
    });
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(report.labelMismatches).toBe(0);
  });
});
