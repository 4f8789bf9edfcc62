import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LayerSpec, ModelSpecValue } from '../../../../../../core/common/model';
import { buildInferenceGraph, initParams, resolveSpec } from '../../../../../../core/common/model';
import { inferLayer } from '../../../../../../core/common/model/layers/layerShapes';
import { gradients } from '../../../../../../core/common/model/graph/autodiff';
import { GraphBuilder } from '../../../../../../core/common/model/graph/GraphBuilder';
import { mul, reduceSum } from '../../../../../../core/common/model/graph/ops';
import { globalmaxpool1dNode } from '../../../../../../core/common/nodes/layer/globalmaxpool1d';
import { exportTfjs } from '../../../../../../core/node/export/exportTfjs';
import { syntheticRows } from '../../../../../../core/node/export/verifyRows';
import { gradCheck, noise } from '../../model/gradCheck';
import { session, tensor } from '../../model/ortHelpers';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-globalmaxpool1d-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pool: LayerSpec = { kind: 'globalmaxpool1d' };

function seq(...layers: LayerSpec[]): ModelSpecValue {
  const nodes = layers.map((layer, i) => ({ id: `l${i + 1}`, layer, inputs: [i === 0 ? 'input' : `l${i}`] }));
  return { format: 'weft.model', nodes, output: `l${layers.length}` };
}

describe('layer.globalmaxpool1d', () => {
  it('infers [sequence, features] → [features] and names the layer on other ranks', () => {
    expect(inferLayer('p', pool, [[7, 5]])).toEqual({ outShape: [5], params: [], buffers: [] });
    expect(() => inferLayer('p', pool, [[35]])).toThrow(
      'Layer "p" (globalmaxpool1d) got input [35] but needs [sequence, features]',
    );
    expect(() => inferLayer('p', pool, [[2, 3, 4]])).toThrow(/needs \[sequence, features\]/);
    const port = globalmaxpool1dNode.inferOutputs!({
      params: { maskPadding: false },
      inputs: { in: { kind: 'ModelSpec', inputShape: ['batch', 7, 5], outputShape: ['batch', 7, 5] } },
    });
    expect(port).toEqual({
      outputs: { model: { kind: 'ModelSpec', inputShape: ['batch', 7, 5], outputShape: ['batch', 5] } },
    });
  });

  it('ONNX forward equals tf.layers.globalMaxPooling1d on the same input', async () => {
    const [n, s, f] = [3, 6, 4];
    const x = Float32Array.from(noise(n * s * f, 5));
    const r = resolveSpec(seq(pool), { featureShape: [s, f], outputUnits: 1 });
    const sess = await session(buildInferenceGraph(r, initParams(r, 1).values, { task: 'regression' }));
    const got = (await sess.run({ input: tensor(x, [n, s, f]) })).output;
    await sess.release();
    expect(got.dims).toEqual([n, f]);
    const want = tf.tidy(() =>
      (tf.layers.globalMaxPooling1d({}).apply(tf.tensor3d(x, [n, s, f])) as tf.Tensor).dataSync(),
    );
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want));
  });

  it('gradients match central differences: Dense over time → max pool, and Embedding → max pool', async () => {
    const cases = [
      {
        spec: seq({ kind: 'dense', units: 4, activation: 'tanh' }, pool, { kind: 'dense', units: 'auto' }),
        shape: [5, 3],
      },
      {
        spec: seq({ kind: 'embedding', vocabSize: 6, dim: 3 }, pool, { kind: 'dense', units: 'auto' }),
        shape: [5],
        x: Array.from({ length: 20 }, (_, i) => (i * 5) % 6),
      },
    ];
    for (const c of cases) {
      const per = c.shape.reduce((a, b) => a * b, 1);
      const res = await gradCheck(c.spec, {
        featureShape: c.shape,
        outputUnits: 3,
        loss: 'cross_entropy',
        x: c.x ?? noise(4 * per, 17).map((v) => 2 * v),
        batch: 4,
        labels: [0, 1, 2, 0],
      });
      expect(res.worst, `${res.dtype}, ${res.checked} coordinates, worst abs ${res.worstAbs}`).toBeLessThan(1);
    }
  });

  it('exports to TF.js as GlobalMaxPooling1D and the TF.js model matches in-app predictions', async () => {
    const featureShape = [6, 4];
    const r = resolveSpec(
      seq({ kind: 'dense', units: 5, activation: 'tanh' }, pool, { kind: 'dense', units: 'auto' }),
      {
        featureShape,
        outputUnits: 3,
      },
    );
    const model = {
      task: 'classification' as const,
      featureShape,
      classNames: ['a', 'b', 'c'],
      transforms: [],
      onnx: buildInferenceGraph(r, initParams(r, 2).values, { task: 'classification' }),
      inputName: 'input',
      outputName: 'output',
      spec: null,
      weights: {},
      history: [],
      provider: 'cpu',
      trainParams: {},
    };
    const report = await exportTfjs(model, { dir, rows: syntheticRows(model, 16) });
    expect(report.layers).toEqual(['Dense', 'Activation', 'GlobalMaxPooling1D', 'Dense', 'Softmax']);
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('gives a tied maximum gradient to the first time step only (as PyTorch max(dim))', async () => {
    const b = new GraphBuilder('float32');
    const xin = b.input('x', [1, 4, 3]);
    b.needsGrad.add(xin.name);
    const y = globalmaxpool1dNode.emit({
      ctx: { b, mode: 'infer', param: () => xin, buffer: () => xin, setBuffer: () => undefined, seed: 0 },
      node: { id: 'p', inputs: ['input'], inShapes: [[4, 3]], outShape: [3], params: [], buffers: [] },
      layer: { kind: 'globalmaxpool1d' },
      xs: [xin],
      x: xin,
      index: 1,
      p: () => xin,
    });
    const loss = reduceSum(b, mul(b, y, b.constF([10, 20, 30], [1, 3])), [0, 1]);
    const [dx] = gradients(b, loss, [xin]);
    b.output(dx, 'dx');
    const s = await session(b.encode());
    // Feature 0: all four steps tie; feature 1: steps 1 and 3 tie; feature 2: single maximum at step 2.
    const x = [
      [5, 0, 1],
      [5, 4, 2],
      [5, 1, 9],
      [5, 4, 3],
    ].flat();
    const out = await s.run({ x: tensor(Float32Array.from(x), [1, 4, 3]) });
    await s.release();
    expect(Array.from(out.dx.data as Float32Array)).toEqual(
      [
        [10, 0, 0],
        [0, 20, 0],
        [0, 0, 30],
        [0, 0, 0],
      ].flat(),
    );
  });
});
