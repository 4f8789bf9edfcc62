/**
 * The end-to-end promise for serving: a model exported by Weft (preprocessing inside,
 * raw feature rows in) answers infer requests from the model server with raw values as input.
 */
import { rmSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue, FittedTransform, RawFeature } from '../../../../../core/common';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { rowsFromDataset } from '../../../../../core/node/export/verifyRows';
import { startModelServer } from '../../../../../core/node/serving/modelServer';
import { forward, tinyModel } from '../export/tinyModel';
import { tempDir } from '../onnx/onnxFiles';

const dir = tempDir('weft-served-export-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rawFeatures: RawFeature[] = [
  { name: 'a', type: 'number' },
  { name: 'color', type: 'category' },
];
const transforms: FittedTransform[] = [
  { kind: 'standardize', column: 'a', mean: 10, std: 2 },
  { kind: 'onehot', column: 'color', categories: ['red', 'green', 'blue'], unknown: 'ignore' },
];

describe('serving a Weft export', () => {
  it('takes raw numeric and categorical values and returns the in-app probabilities and labels', async () => {
    const { model, weights } = tinyModel({
      features: 4,
      outputs: 3,
      task: 'classification',
      classNames: ['x', 'y', 'z'],
      rawFeatures,
      transforms,
      seed: 9,
    });
    const data: DatasetValue = {
      task: 'classification',
      featureShape: [4],
      classNames: ['x', 'y', 'z'],
      rawFeatures,
      transforms,
      splits: {
        train: {
          n: 10,
          x: new Float32Array(40),
          y: new Int32Array(10),
          raw: [
            { name: 'a', type: 'number', values: Float64Array.from([6, 8, 10, 12, 14, 6, 8, 10, 12, 14]) },
            { name: 'color', type: 'category', values: Array<string>(10).fill('red') },
          ],
        },
        test: {
          n: 2,
          x: Float32Array.from([1, 0, 1, 0, -1.5, 0, 0, 1]),
          y: Int32Array.from([0, 1]),
          raw: [
            { name: 'a', type: 'number', values: Float64Array.from([12, 7]) },
            { name: 'color', type: 'category', values: ['green', 'blue'] },
          ],
        },
      },
    };
    const file = path.join(dir, 'shop.onnx');
    await exportOnnx(model, { file, rows: rowsFromDataset(data, 2, ['test'])!, trainingData: data });
    const server = await startModelServer({ model: file, port: 0, provider: 'cpu' });
    try {
      const meta = (await (await fetch(`${server.url}/v2/models/shop`)).json()) as { inputs: unknown[] };
      expect(meta.inputs).toEqual([
        { name: 'numeric', datatype: 'FP64', shape: [-1, 1] },
        { name: 'categorical', datatype: 'BYTES', shape: [-1, 1] },
      ]);
      const res = await fetch(`${server.url}/v2/models/shop/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [
            { name: 'numeric', shape: [3, 1], datatype: 'FP64', data: [[12], [7], [10]] },
            { name: 'categorical', shape: [3, 1], datatype: 'BYTES', data: [['green'], ['blue'], ['purple']] },
          ],
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { outputs: { name: string; datatype: string; data: unknown[] }[] };
      const [probs, labels, names] = body.outputs;
      // a=12, green → [1, 0, 1, 0]; a=7, blue → [−1.5, 0, 0, 1]; a=10, unknown colour ignored → [0, 0, 0, 0]
      const features = [
        [1, 0, 1, 0],
        [-1.5, 0, 0, 1],
        [0, 0, 0, 0],
      ];
      features.forEach((f, i) => {
        const want = forward(weights, f, 4, 3, true);
        want.forEach((p, c) => expect(probs.data[i * 3 + c]).toBeCloseTo(p, 5));
        expect(labels.data[i]).toBe(want.indexOf(Math.max(...want)));
        expect(names.data[i]).toBe(['x', 'y', 'z'][want.indexOf(Math.max(...want))]);
      });
      expect(body.outputs.map((o) => [o.name, o.datatype])).toEqual([
        ['probabilities', 'FP32'],
        ['label', 'INT64'],
        ['label_name', 'BYTES'],
      ]);

      // null in the numeric input is a missing value: the answer equals the model fed NaN directly.
      const withNull = await fetch(`${server.url}/v2/models/shop/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [
            { name: 'numeric', shape: [2, 1], datatype: 'FP64', data: [null, 7] },
            { name: 'categorical', shape: [2, 1], datatype: 'BYTES', data: ['green', 'blue'] },
          ],
          outputs: [{ name: 'probabilities' }],
        }),
      });
      expect(withNull.status).toBe(200);
      const served = ((await withNull.json()) as { outputs: { data: (number | null)[] }[] }).outputs[0].data;
      const direct = await ort.InferenceSession.create(file);
      const fed = await direct.run(
        {
          numeric: new ort.Tensor('float64', Float64Array.from([NaN, 7]), [2, 1]),
          categorical: new ort.Tensor('string', ['green', 'blue'], [2, 1]),
        },
        ['probabilities'],
      );
      const want = Array.from(fed.probabilities.data as Float32Array, (v) => (Number.isNaN(v) ? null : v));
      await direct.release();
      expect(served.length).toBe(6);
      served.forEach((v, i) => (want[i] === null ? expect(v).toBeNull() : expect(v).toBeCloseTo(want[i], 6)));

      // Drift: numeric column a saw 12, 7, 10, 7 and one missing value; the model card's
      // standardize transform says training had mean 10, std 2.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const gauge = (name: string): number =>
        Number(
          new RegExp(`${name}\\{model="shop",version="1",input="numeric",feature="a"\\} (\\S+)`).exec(metrics)?.[1],
        );
      expect(gauge('weft_input_feature_mean')).toBeCloseTo(9, 10);
      expect(gauge('weft_input_feature_std')).toBeCloseTo(Math.sqrt(6), 10);
      expect(gauge('weft_input_feature_values')).toBe(4);
      expect(gauge('weft_input_feature_missing')).toBe(1);
      expect(gauge('weft_input_feature_mean_shift')).toBeCloseTo(-0.5, 10);
      // Training a = 6, 8, 10, 12, 14 twice: numpy's deciles 6, 7.6, 8, 9.2, 10, 10.8, 12, 12.4 (14,
      // the maximum, dropped) hold 0.2 of the values in bins 0, 2, 4, 6 and 8. Live 12, 7, 10, 7 fall
      // in bins 6, 1, 4, 1. Empty bins count as 1e-4.
      const term = (a: number, e: number): number => (a - e) * Math.log(a / e);
      const wantPsi = 3 * term(1e-4, 0.2) + term(0.5, 1e-4) + term(0.25, 0.2) + term(0.25, 0.2);
      expect(gauge('weft_input_feature_psi')).toBeCloseTo(wantPsi, 10);
    } finally {
      await server.close();
    }
  });
});
