import { describe, expect, it } from 'vitest';
import type { ModelSpecValue } from '../../../../../core/common/model';
import { resolveSpec } from '../../../../../core/common/model';
import { builtinNodes } from '../../../../../core/common/nodes/registry';
import type { ExecutorContext } from '../../../../../core/node/executors/Executor';
import { builtinExecutors } from '../../../../../core/node/executors/index';

async function run(
  type: keyof typeof builtinExecutors,
  nodeId: string,
  params: Record<string, unknown>,
  inputs: Record<string, unknown> = {},
): Promise<ModelSpecValue> {
  const def = builtinNodes[type];
  const ctx = {
    inputs,
    params: def.params.parse(params),
    nodeId,
    signal: new AbortController().signal,
    progress: () => undefined,
    log: () => undefined,
    epochMetrics: () => undefined,
    workspace: '/tmp',
    baseDir: '/tmp',
  } as unknown as ExecutorContext<never>;
  const res = await builtinExecutors[type](ctx);
  return res.outputs.model as ModelSpecValue;
}

describe('model and layer nodes', () => {
  it('chains canvas layers into a spec that resolves, with a residual branch', async () => {
    const inp = await run('layer.input', 'in', { shape: '1,8,8' });
    const c1 = await run('layer.conv2d', 'conv1', { filters: 4, padding: 'same', activation: 'relu' }, { in: inp });
    const c2 = await run('layer.conv2d', 'conv2', { filters: 4, padding: 'same' }, { in: c1 });
    const res = await run('layer.add', 'res', {}, { a: c1, b: c2 });
    const pool = await run('layer.maxpool2d', 'pool', {}, { in: res });
    const flat = await run('layer.flatten', 'flat', {}, { in: pool });
    const out = await run('layer.dense', 'out', { units: 'auto' }, { in: flat });
    expect(out.nodes.map((n) => n.id)).toEqual(['conv1', 'conv2', 'res', 'pool', 'flat', 'out']);
    const r = resolveSpec(out, { featureShape: [1, 8, 8], outputUnits: 3 });
    expect(r.nodes.find((n) => n.id === 'pool')!.outShape).toEqual([4, 4, 4]);
    expect(r.outputShape).toEqual([3]);
    expect(() => resolveSpec(out, { featureShape: [64], outputUnits: 3 })).toThrow(/input.*\[1, 8, 8\].*\[64\]/);
  });

  it('presets resolve on flat MNIST-shaped features', async () => {
    const cnn = resolveSpec(await run('model.cnn', 'cnn', {}), { featureShape: [784], outputUnits: 10 });
    expect(cnn.nodes.map((n) => n.outShape)).toEqual([
      [1, 28, 28],
      [16, 26, 26],
      [16, 13, 13],
      [32, 11, 11],
      [32, 5, 5],
      [800],
      [10],
    ]);
    const mlp = resolveSpec(await run('model.mlp', 'mlp', { hidden: [128, 64] }), {
      featureShape: [784],
      outputUnits: 10,
    });
    expect(mlp.params.map((p) => p.shape)).toEqual([[784, 128], [128], [128, 64], [64], [64, 10], [10]]);
  });

  it('design-time inference names the layer and both shapes', () => {
    const conv = builtinNodes['layer.conv2d'];
    const bad = conv.inferOutputs!({
      params: conv.params.parse({}),
      inputs: { in: { kind: 'ModelSpec', inputShape: ['batch', 784], outputShape: ['batch', 784] } },
    });
    expect(bad).toEqual({ error: expect.stringMatching(/Conv2D.*\[784\].*\[channels, height, width\]/) });
    const ok = conv.inferOutputs!({
      params: conv.params.parse({ filters: 8 }),
      inputs: { in: { kind: 'ModelSpec', outputShape: ['batch', 1, 10, 10] } },
    });
    expect(ok).toEqual({ outputs: { model: { kind: 'ModelSpec', outputShape: ['batch', 8, 8, 8] } } });
    const add = builtinNodes['layer.add'];
    const mismatch = add.inferOutputs!({
      params: {},
      inputs: {
        a: { kind: 'ModelSpec', outputShape: ['batch', 4] },
        b: { kind: 'ModelSpec', outputShape: ['batch', 5] },
      },
    });
    expect(mismatch).toEqual({ error: expect.stringMatching(/Add.*\[4\] and \[5\]/) });
  });

  it('a text model on the canvas: token ids → Embedding → GlobalMaxPool1D → Dense(auto)', async () => {
    const inp = await run('layer.input', 'in', { shape: '12' });
    const emb = await run('layer.embedding', 'emb', { vocabSize: 50, dim: 8 }, { in: inp });
    const pool = await run('layer.globalmaxpool1d', 'pool', {}, { in: emb });
    const out = await run('layer.dense', 'out', { units: 'auto' }, { in: pool });
    const r = resolveSpec(out, { featureShape: [12], outputUnits: 2 });
    expect(r.nodes.map((n) => n.outShape)).toEqual([[12, 8], [8], [2]]);
    const dense = builtinNodes['layer.dense'];
    const open = dense.inferOutputs!({
      params: dense.params.parse({ units: 'auto' }),
      inputs: { in: { kind: 'ModelSpec', inputShape: ['batch', 12], outputShape: ['batch', 8] } },
    });
    expect(open).toEqual({
      outputs: { model: { kind: 'ModelSpec', inputShape: ['batch', 12], outputShape: ['batch', null] } },
    });
  });
});
