import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelSpecValue } from '../../../../../core/common/model';
import {
  buildInferenceGraph,
  buildTrainingGraph,
  initParams,
  packParams,
  resolveSpec,
} from '../../../../../core/common/model';
import { decodeModel } from '../../../../../core/common/model/onnx/decodeModel';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { builtinNodes } from '../../../../../core/common/nodes/registry';
import type { ExecutorContext } from '../../../../../core/node/executors/Executor';
import { builtinExecutors } from '../../../../../core/node/executors/index';
import { gradCheck, noise } from '../../common/model/gradCheck';
import { session, tensor, trainSteps } from '../../common/model/ortHelpers';
import { backboneBytes, backboneModel } from './backboneFixture';

const dir = mkdtempSync(path.join(os.tmpdir(), 'weft-backbone-'));
writeFileSync(path.join(dir, 'bb.onnx'), backboneBytes());

async function run(
  type: 'layer.onnx' | 'layer.dense',
  nodeId: string,
  params: Record<string, unknown>,
  inputs: Record<string, unknown> = {},
) {
  const ctx = {
    inputs,
    params: builtinNodes[type].params.parse(params),
    nodeId,
    signal: new AbortController().signal,
    progress: () => undefined,
    log: () => undefined,
    epochMetrics: () => undefined,
    workspace: dir,
    baseDir: dir,
  } as unknown as ExecutorContext<never>;
  return builtinExecutors[type](ctx);
}

async function withHead(params: Record<string, unknown>): Promise<ModelSpecValue> {
  const bb = await run('layer.onnx', 'bb', { path: 'bb.onnx', cut: 'features', ...params });
  const head = await run('layer.dense', 'head', { units: 'auto' }, { in: bb.outputs.model });
  return head.outputs.model as ModelSpecValue;
}

const X = noise(6 * 25, 21);
const LABELS = [0, 1, 2, 0, 1, 2];

describe('layer.onnx backbone', () => {
  it('lists the tensors with shapes and resolves the head on the cut shape', async () => {
    const r = await run('layer.onnx', 'bb', { path: 'bb.onnx', cut: 'features' });
    expect(r.summary?.text).toContain('conv_relu [batch, 2, 5, 5]; flat [batch, 50]; fc [batch, 3]');
    const spec = await withHead({});
    const m = resolveSpec(spec, { featureShape: [1, 5, 5], outputUnits: 3 });
    expect(m.nodes.map((n) => n.outShape)).toEqual([[3], [3]]);
    expect(m.params.map((p) => p.name)).toEqual(['head/kernel', 'head/bias']);
  });

  it('design time: a declared cut shape carries on to the next layer', () => {
    const node = builtinNodes['layer.onnx'];
    const out = node.inferOutputs!({ params: node.params.parse({ shape: '32,5,5' }), inputs: {} });
    expect(out).toEqual({ outputs: { model: { kind: 'ModelSpec', outputShape: ['batch', 32, 5, 5] } } });
    const dense = builtinNodes['layer.dense'];
    const next = dense.inferOutputs!({
      params: dense.params.parse({ units: 4 }),
      inputs: { in: (out as { outputs: { model: never } }).outputs.model },
    });
    expect(next).toEqual({ outputs: { model: { kind: 'ModelSpec', outputShape: ['batch', 32, 5, 4] } } });
  });

  it('frozen: the head gradients match finite differences', async () => {
    const spec = await withHead({});
    const res = await gradCheck(spec, {
      featureShape: [1, 5, 5],
      outputUnits: 3,
      loss: 'cross_entropy',
      x: X,
      batch: 6,
      labels: LABELS,
      coords: 12,
    });
    expect(res.worst).toBeLessThanOrEqual(1);
  });

  it('fine-tune: gradients of the backbone initialisers (Conv, Relu, Flatten, Gemm) match finite differences', async () => {
    const spec = await withHead({ trainable: 'fine-tune' });
    const m = resolveSpec(spec, { featureShape: [1, 5, 5], outputUnits: 3 });
    expect(m.params.map((p) => p.name)).toEqual(['bb/W1', 'bb/b1', 'bb/W2', 'bb/b2', 'head/kernel', 'head/bias']);
    const P = m.params.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
    const res = await gradCheck(spec, {
      featureShape: [1, 5, 5],
      outputUnits: 3,
      loss: 'cross_entropy',
      x: X,
      batch: 6,
      labels: LABELS,
      coords: P,
    });
    expect(res.checked).toBeGreaterThan(60);
    expect(res.worst).toBeLessThanOrEqual(1);
  });

  it('fine-tune: the lowered forward pass (Gemm as MatMul, Flatten as Reshape) gives the file’s own outputs', async () => {
    const logitsOf = async (trainable: string): Promise<Float32Array> => {
      const m = resolveSpec(await withHead({ trainable }), { featureShape: [1, 5, 5], outputUnits: 3 });
      const g = buildTrainingGraph(m, { loss: 'cross_entropy', optimizer: { kind: 'sgd' }, outputLogits: true });
      const { last } = await trainSteps(
        g,
        { params: packParams(initParams(m, 1).values) },
        Float32Array.from(X),
        [6, 1, 5, 5],
        Int32Array.from(LABELS),
        [6],
        1,
        0,
      );
      return last[g.logitsName!].data as Float32Array;
    };
    const [frozen, tuned] = [await logitsOf('frozen'), await logitsOf('fine-tune')];
    expect(Array.from(tuned).every((v, i) => Math.abs(v - frozen[i]) < 1e-5)).toBe(true);
    expect(new Set(Array.from(frozen)).size).toBeGreaterThan(6);
  });

  it('fine-tune starts from the file’s weights', async () => {
    const m = resolveSpec(await withHead({ trainable: 'fine-tune' }), { featureShape: [1, 5, 5], outputUnits: 3 });
    const w2 = backboneModel().graph.initializers.find((t) => t.name === 'W2')!.data as Float32Array;
    expect(initParams(m, 7).values[2]).toEqual(w2);
  });

  it('frozen training leaves the backbone weights as in the file, and the export = onnxruntime backbone + head by hand', async () => {
    const m = resolveSpec(await withHead({}), { featureShape: [1, 5, 5], outputUnits: 3 });
    const g = buildTrainingGraph(m, { loss: 'cross_entropy', optimizer: { kind: 'adam' } });
    const init = packParams(initParams(m, 1).values);
    const x = Float32Array.from(X);
    const { carried, losses } = await trainSteps(
      g,
      { params: init },
      x,
      [6, 1, 5, 5],
      Int32Array.from(LABELS),
      [6],
      30,
      0.05,
    );
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    const trained = carried.params as Float32Array;
    expect(trained.length).toBe(3 * 3 + 3);
    const exported = buildInferenceGraph(m, trained, { task: 'classification' });
    const original = backboneModel().graph.initializers;
    const inits = new Map(decodeModel(exported).graph.initializers.map((t) => [t.name, t.data]));
    for (const t of original.filter((t) => t.name !== 'W3' && t.name !== 'b3'))
      expect(inits.get(`bb/${t.name}`), t.name).toEqual(t.data);
    expect(inits.has('bb/W3')).toBe(false);

    const full = backboneModel();
    const upToFeatures = {
      ...full,
      graph: { ...full.graph, outputs: [{ name: 'features', dtype: 'float32' as const, shape: ['N', 3] }] },
    };
    const ref = await ort.InferenceSession.create(encodeModelData(upToFeatures), {
      graphOptimizationLevel: 'disabled',
    });
    const feats = (await ref.run({ x: new ort.Tensor('float32', x, [6, 1, 5, 5]) }, ['features'])).features
      .data as Float32Array;
    await ref.release();
    const [kernel, bias] = [trained.subarray(0, 9), trained.subarray(9)];
    const expected: number[] = [];
    for (let r = 0; r < 6; r++) {
      const z = [0, 1, 2].map((j) => bias[j] + [0, 1, 2].reduce((a, i) => a + feats[r * 3 + i] * kernel[i * 3 + j], 0));
      const mx = Math.max(...z);
      const e = z.map((v) => Math.exp(v - mx));
      const s = e.reduce((a, b) => a + b, 0);
      expected.push(...e.map((v) => v / s));
    }
    const s = await session(exported);
    const got = (await s.run({ input: tensor(x, [6, 1, 5, 5]) })).output.data as Float32Array;
    await s.release();
    expect(Array.from(got).map((v, i) => Math.abs(v - expected[i]))).toSatisfy((d: number[]) =>
      d.every((v) => v < 1e-6),
    );
  });
});

describe('layer.onnx Conv with auto_pad SAME_UPPER (uneven pads), stride 3 and default attributes', () => {
  const variant = { conv: { auto_pad: { s: 'SAME_UPPER' }, strides: { ints: [3, 3] } }, flat: 8 };
  writeFileSync(path.join(dir, 'same.onnx'), backboneBytes(variant));

  it('the backbone alone computes what onnxruntime computes on the file', async () => {
    const bb = await run('layer.onnx', 'bb', { path: 'same.onnx', cut: 'features' });
    expect(bb.summary?.text).toContain('conv [batch, 2, 2, 2]');
    const m = resolveSpec(bb.outputs.model as ModelSpecValue, { featureShape: [1, 5, 5], outputUnits: 3 });
    const mine = await session(buildInferenceGraph(m, new Float32Array(0), { task: 'regression' }));
    const x = Float32Array.from(X);
    const got = (await mine.run({ input: tensor(x, [6, 1, 5, 5]) })).output.data as Float32Array;
    await mine.release();
    const full = backboneModel(variant);
    const ref = await ort.InferenceSession.create(
      encodeModelData({
        ...full,
        graph: { ...full.graph, outputs: [{ name: 'features', dtype: 'float32', shape: ['N', 3] }] },
      }),
    );
    const want = (await ref.run({ x: new ort.Tensor('float32', x, [6, 1, 5, 5]) })).features.data as Float32Array;
    await ref.release();
    expect(Array.from(got).every((v, i) => Math.abs(v - want[i]) < 1e-6)).toBe(true);
    expect(want.some((v) => v > 0)).toBe(true);
  });

  it('fine-tune gradients match finite differences', async () => {
    const bb = await run('layer.onnx', 'bb', { path: 'same.onnx', cut: 'features', trainable: 'fine-tune' });
    const head = await run('layer.dense', 'head', { units: 'auto' }, { in: bb.outputs.model });
    const res = await gradCheck(head.outputs.model as ModelSpecValue, {
      featureShape: [1, 5, 5],
      outputUnits: 3,
      loss: 'cross_entropy',
      x: X,
      batch: 6,
      labels: LABELS,
      coords: 200,
    });
    expect(res.worst).toBeLessThanOrEqual(1);
  });
});

describe('layer.onnx bad input', () => {
  it('a backbone whose input shape differs from the data names both shapes', async () => {
    const spec = await withHead({});
    expect(() => resolveSpec(spec, { featureShape: [25], outputUnits: 3 })).toThrow(
      /Layer "bb" \(onnx\) got input \[25\] but needs \[1, 5, 5\], the input of backbone .*bb\.onnx/,
    );
  });

  it('fine-tuning through an operator without a gradient rule names it and suggests freezing', async () => {
    writeFileSync(
      path.join(dir, 'softplus.onnx'),
      backboneBytes({
        extra: [{ opType: 'Softplus', inputs: ['features'], outputs: ['soft'], attrs: {}, name: 'sp' }],
      }),
    );
    const bb = await run('layer.onnx', 'bb', { path: 'softplus.onnx', cut: 'logits', trainable: 'fine-tune' });
    const spec = bb.outputs.model as ModelSpecValue;
    expect(() => resolveSpec(spec, { featureShape: [1, 5, 5], outputUnits: 3 })).toThrow(
      /Softplus has no gradient rule \(op sp\); set freeze to soft to keep the backbone fixed up to that op, set trainable to frozen, or cut at a tensor before soft/,
    );
    const partly = await run('layer.onnx', 'bb', {
      path: 'softplus.onnx',
      cut: 'logits',
      trainable: 'fine-tune',
      freeze: 'soft',
    });
    const m = resolveSpec(partly.outputs.model as ModelSpecValue, { featureShape: [1, 5, 5], outputUnits: 3 });
    expect(m.params.map((p) => p.name)).toEqual(['bb/W3', 'bb/b3']);
    const res = await gradCheck(partly.outputs.model as ModelSpecValue, {
      featureShape: [1, 5, 5],
      outputUnits: 4,
      loss: 'mse',
      x: X,
      batch: 6,
      labels: noise(24, 9),
      coords: 16,
    });
    expect(res.worst).toBeLessThanOrEqual(1);
    const unknown = await run('layer.onnx', 'bb', { path: 'bb.onnx', trainable: 'fine-tune', freeze: 'fc9' });
    expect(() =>
      resolveSpec(unknown.outputs.model as ModelSpecValue, { featureShape: [1, 5, 5], outputUnits: 3 }),
    ).toThrow(/freeze names "fc9", which is not a tensor of the backbone up to logits; it has conv, conv_relu/);
    const frozen = await run('layer.onnx', 'bb', { path: 'softplus.onnx', cut: 'logits' });
    expect(
      resolveSpec(frozen.outputs.model as ModelSpecValue, { featureShape: [1, 5, 5], outputUnits: 3 }).outputShape,
    ).toEqual([4]);
  });

  it('an unknown cut tensor lists valid ones', async () => {
    await expect(run('layer.onnx', 'bb', { path: 'bb.onnx', cut: 'pool5' })).rejects.toThrow(
      /layer\.onnx \(bb\): .*bb\.onnx has no tensor "pool5" to cut at; tensors made by its ops include conv, conv_relu, flat, fc, features, logits/,
    );
  });

  it('a missing or unreadable file is named', async () => {
    await expect(run('layer.onnx', 'bb', { path: 'nope.onnx' })).rejects.toThrow(/nope\.onnx: no such file/);
    writeFileSync(path.join(dir, 'junk.onnx'), 'this is not protobuf at all');
    await expect(run('layer.onnx', 'bb', { path: 'junk.onnx' })).rejects.toThrow(
      /junk\.onnx: not a readable ONNX model/,
    );
    await expect(run('layer.onnx', 'bb', {})).rejects.toThrow(/no backbone; set the path parameter/);
  });

  it('a model with two inputs or an opset outside 13..17 is refused', async () => {
    writeFileSync(path.join(dir, 'two.onnx'), backboneBytes({ inputs: 2 }));
    await expect(run('layer.onnx', 'bb', { path: 'two.onnx' })).rejects.toThrow(/has 2 inputs \(x, x2\)/);
    writeFileSync(path.join(dir, 'old.onnx'), backboneBytes({ opset: 11 }));
    await expect(run('layer.onnx', 'bb', { path: 'old.onnx' })).rejects.toThrow(
      /opset 11; a backbone needs opset 13 to 17/,
    );
  });

  it('a declared cut shape that disagrees with the file is named', async () => {
    const spec = await withHead({ shape: '4' });
    expect(() => resolveSpec(spec, { featureShape: [1, 5, 5], outputUnits: 3 })).toThrow(
      /Layer "bb" \(onnx\): the shape param says \[4\] but the cut tensor features is \[3\]; set shape to 3/,
    );
  });
});
