import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue, TableValue } from '../../../../../core/common';
import { csvNode } from '../../../../../core/common/nodes/data/csv';
import { evalPredictParams } from '../../../../../core/common/nodes/eval/predict';
import { shuffleTable } from '../../../../../core/common/nodes/prep/shuffle';
import { splitParams } from '../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../core/common/nodes/prep/splitTable';
import { csvExecutor } from '../../../../../core/node/executors/data/csv';
import { evalPredictExecutor } from '../../../../../core/node/executors/eval/predict';
import { executorContext } from '../../../../fixtures/executorContext';
import { tinyModel } from '../export/tinyModel';
import { tempDir } from '../onnx/onnxFiles';

const dir = tempDir('weft-predict-rows-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval.predict CSV rows join back to the source file', () => {
  it('writes the source row number (through shuffle and split) and, on request, the raw inputs', async () => {
    const iris = path.resolve('resources/data/iris.csv');
    const source = Papa.parse<string[]>(readFileSync(iris, 'utf8').trim()).data.slice(1);
    const table = (await csvExecutor(executorContext(csvNode.params.parse({ path: iris }), { dir }))).outputs
      .table as TableValue;
    const ds: DatasetValue = splitTable(
      shuffleTable(table, 11),
      splitParams.parse({ target: 'species', seed: 4 }),
    ).dataset;
    const model = tinyModel({
      features: 4,
      outputs: 3,
      task: 'classification',
      classNames: ds.classNames!,
      rawFeatures: ds.rawFeatures!,
      transforms: ds.transforms,
      featureNames: ds.featureNames!,
    }).model;
    for (const inputColumns of [false, true]) {
      await evalPredictExecutor(
        executorContext(evalPredictParams.parse({ path: 'preds.csv', inputColumns }), {
          dir,
          inputs: { model, data: ds },
          nodeId: 'predict',
        }),
      );
      const [header, ...rows] = Papa.parse<string[]>(readFileSync(path.join(dir, 'preds.csv'), 'utf8').trim()).data;
      expect(rows).toHaveLength(ds.splits.test.n);
      if (!inputColumns) {
        expect(header.slice(0, 3)).toEqual(['row', 'actual', 'predicted']);
        for (const r of rows) expect(r[1]).toBe(source[Number(r[0]) - 1][4]);
        continue;
      }
      expect(header.slice(0, 7)).toEqual([
        'row',
        'sepal_length',
        'sepal_width',
        'petal_length',
        'petal_width',
        'actual',
        'predicted',
      ]);
      const ids = new Set<number>();
      for (const r of rows) {
        const src = source[Number(r[0]) - 1];
        expect(r.slice(1, 5).map(Number)).toEqual(src.slice(0, 4).map(Number));
        expect(r[5]).toBe(src[4]);
        ids.add(Number(r[0]));
      }
      expect(ids.size).toBe(rows.length);
    }
  });
});
