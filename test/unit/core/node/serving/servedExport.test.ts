/**
 * The end-to-end promise for serving: a model exported by Weft (preprocessing inside,
 * raw feature rows in) answers infer requests from the model server with raw values as input.
 */
import { rmSync } from 'node:fs';
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
    await exportOnnx(model, { file, rows: rowsFromDataset(data, 2, ['test'])! });
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
    } finally {
      await server.close();
    }
  });
});
