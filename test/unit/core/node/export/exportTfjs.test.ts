import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainedModelValue } from '../../../../../core/common';
import { exportTfjs, folderLoader } from '../../../../../core/node/export/exportTfjs';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { syntheticRows } from '../../../../../core/node/export/verifyRows';
import { forward, seeded, tinyModel } from './tinyModel';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-tfjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** conv 3×3 (2→4, pad 1) → relu → maxpool 2 → flatten → gemm → softmax, on [2, 4, 4] inputs. */
function tinyCnn(): TrainedModelValue {
  const r = seeded(5);
  const w = (n: number): Float32Array => Float32Array.from({ length: n }, () => r());
  const bytes = encodeModelData({
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    graph: {
      name: 'cnn',
      nodes: [
        {
          opType: 'Conv',
          inputs: ['x', 'cw', 'cb'],
          outputs: ['c'],
          attrs: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } },
        },
        { opType: 'Relu', inputs: ['c'], outputs: ['cr'] },
        {
          opType: 'MaxPool',
          inputs: ['cr'],
          outputs: ['p'],
          attrs: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } },
        },
        { opType: 'Flatten', inputs: ['p'], outputs: ['f'], attrs: { axis: { i: 1 } } },
        { opType: 'Gemm', inputs: ['f', 'dw', 'db'], outputs: ['z'], attrs: { transB: { i: 1 } } },
        { opType: 'Softmax', inputs: ['z'], outputs: ['y'], attrs: { axis: { i: 1 } } },
      ],
      initializers: [
        { name: 'cw', dtype: 'float32', dims: [4, 2, 3, 3], data: w(72) },
        { name: 'cb', dtype: 'float32', dims: [4], data: w(4) },
        { name: 'dw', dtype: 'float32', dims: [3, 16], data: w(48) },
        { name: 'db', dtype: 'float32', dims: [3], data: w(3) },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 2, 4, 4] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 3] }],
    },
  });
  return {
    ...tinyModel({ features: 32, outputs: 3, task: 'classification', classNames: ['a', 'b', 'c'] }).model,
    featureShape: [2, 4, 4],
    onnx: bytes,
  };
}

describe('export.tfjs', () => {
  it('writes model.json + weights.bin that tf.loadLayersModel loads and that match the hand-computed MLP', async () => {
    const { model, weights } = tinyModel({
      features: 5,
      outputs: 3,
      task: 'classification',
      classNames: ['a', 'b', 'c'],
    });
    const out = path.join(dir, 'mlp');
    const rows = syntheticRows(model, 40);
    const report = await exportTfjs(model, { dir: out, rows });
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(report.layers).toEqual(['Dense', 'Activation', 'Dense', 'Softmax']);
    const json = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.userDefinedMetadata.weft.task).toBe('classification');
    expect(JSON.parse(readFileSync(path.join(out, 'labels.json'), 'utf8'))).toEqual(['a', 'b', 'c']);
    expect(report.files.map((f) => path.basename(f)).sort()).toEqual(['labels.json', 'model.json', 'weights.bin']);

    const loaded = await tf.loadLayersModel(folderLoader(path.join(out, 'model.json')));
    const x = [0.3, -0.2, 0.1, 0.5, -0.4];
    const got = Array.from((loaded.predict(tf.tensor2d([x])) as tf.Tensor).dataSync());
    const want = forward(weights, x, 5, 3, true);
    want.forEach((p, i) => expect(Math.abs(got[i] - p)).toBeLessThan(1e-6));
    loaded.dispose();
  });

  it('converts a small CNN (channels-first conv, pooling, flatten) and matches onnxruntime', async () => {
    const model = tinyCnn();
    const report = await exportTfjs(model, { dir: path.join(dir, 'cnn'), rows: syntheticRows(model, 16) });
    expect(report.layers).toEqual([
      'ZeroPadding2D',
      'Conv2D',
      'Activation',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'Softmax',
    ]);
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('names the operator it cannot convert', async () => {
    const { model } = tinyModel({ features: 2, outputs: 2, task: 'classification' });
    const bad = encodeModelData({
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      graph: {
        name: 'sin',
        initializers: [],
        nodes: [{ opType: 'Sin', inputs: ['x'], outputs: ['y'] }],
        inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 2] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 2] }],
      },
    });
    await expect(
      exportTfjs({ ...model, onnx: bad }, { dir: path.join(dir, 'bad'), rows: syntheticRows(model, 4) }),
    ).rejects.toThrow(/Sin has no TF.js/);
  });
});
