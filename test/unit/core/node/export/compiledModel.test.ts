/**
 * Export of graphs as the model compiler builds them (MatMul + Add dense layers, Conv with
 * `same` padding, Reshape-flatten, Softmax, Identity output), not just hand-written ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainedModelValue } from '../../../../../core/common';
import { buildInferenceGraph, initParams, resolveSpec, type LayerNode } from '../../../../../core/common/model';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { exportTfjs } from '../../../../../core/node/export/exportTfjs';
import { syntheticRows } from '../../../../../core/node/export/verifyRows';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-export-compiled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compiled(
  nodes: LayerNode[],
  featureShape: number[],
  classes: number,
  extra: Partial<TrainedModelValue> = {},
): TrainedModelValue {
  const resolved = resolveSpec(
    { format: 'weft.model', nodes, output: nodes[nodes.length - 1].id },
    { featureShape, outputUnits: classes },
  );
  const params = initParams(resolved, 7);
  return {
    task: 'classification',
    featureShape,
    classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
    transforms: [],
    onnx: buildInferenceGraph(resolved, params, { task: 'classification' }),
    inputName: 'input',
    outputName: 'output',
    spec: null,
    weights: {},
    history: [],
    provider: 'cpu',
    trainParams: {},
    ...extra,
  };
}

describe('export of compiler-built graphs', () => {
  it('an MLP with tabular preprocessing: ONNX, int8 and TF.js all verify', async () => {
    const model = compiled(
      [
        { id: 'd1', layer: { kind: 'dense', units: 16, activation: 'relu' }, inputs: ['input'] },
        { id: 'd2', layer: { kind: 'dense', units: 'auto' }, inputs: ['d1'] },
      ],
      [4],
      3,
      {
        rawFeatures: [
          { name: 'x1', type: 'number' },
          { name: 'kind', type: 'category' },
        ],
        transforms: [
          { kind: 'impute', column: 'x1', strategy: 'mean', value: 0.5 },
          { kind: 'standardize', column: 'x1', mean: 0.5, std: 0.25 },
          { kind: 'onehot', column: 'kind', categories: ['p', 'q', 'r'], unknown: 'ignore' },
        ],
        featureNames: ['x1', 'kind=p', 'kind=q', 'kind=r'],
      },
    );
    const rows = syntheticRows(model, 200);
    const onnx = await exportOnnx(model, { file: path.join(dir, 'mlp.onnx'), rows, quantize: 'force' });
    expect(onnx.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(onnx.quantized!.weights).toBe(2);
    expect(onnx.quantized!.labelAgreement).toBeGreaterThan(0.9);
    const tfjs = await exportTfjs(model, { dir: path.join(dir, 'mlp-tfjs'), rows });
    expect(tfjs.layers).toEqual(['Dense', 'Activation', 'Dense', 'Softmax']);
    expect(tfjs.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('a small CNN: ONNX and TF.js verify', async () => {
    const model = compiled(
      [
        {
          id: 'c1',
          layer: { kind: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
          inputs: ['input'],
        },
        { id: 'p1', layer: { kind: 'maxpool2d', poolSize: 2 }, inputs: ['c1'] },
        { id: 'f', layer: { kind: 'flatten' }, inputs: ['p1'] },
        { id: 'd1', layer: { kind: 'dense', units: 'auto' }, inputs: ['f'] },
      ],
      [1, 6, 6],
      3,
    );
    const rows = syntheticRows(model, 32);
    const onnx = await exportOnnx(model, { file: path.join(dir, 'cnn.onnx'), rows });
    expect(onnx.layout.inputs[0]).toEqual({ name: 'input', dtype: 'float32', shape: ['N', 1, 6, 6] });
    expect(onnx.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    const tfjs = await exportTfjs(model, { dir: path.join(dir, 'cnn-tfjs'), rows });
    expect(tfjs.layers).toContain('Conv2D');
    expect(tfjs.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });
});
