import { describe, expect, it } from 'vitest';
import type { ModelSpecValue } from '../../../../../core/common/model';
import { resolveSpec } from '../../../../../core/common/model';
import { builtinNodes } from '../../../../../core/common/nodes/registry';
import { windowParams } from '../../../../../core/common/nodes/prep/window';
import type { ExecutorContext } from '../../../../../core/node/executors/Executor';
import { builtinExecutors } from '../../../../../core/node/executors/index';

async function layer(
  type: keyof typeof builtinExecutors,
  nodeId: string,
  params: Record<string, unknown>,
  input?: ModelSpecValue,
): Promise<ModelSpecValue> {
  const ctx = {
    inputs: input ? { in: input } : {},
    params: builtinNodes[type].params.parse(params),
    nodeId,
    signal: new AbortController().signal,
    progress: () => undefined,
    log: () => undefined,
    epochMetrics: () => undefined,
    workspace: '/tmp',
    baseDir: '/tmp',
  } as unknown as ExecutorContext<never>;
  return (await builtinExecutors[type](ctx)).outputs.model as ModelSpecValue;
}

describe('models on prep.window samples [lookback, values] → horizon', () => {
  // prep.window with lookback 12 over 2 value columns and horizon 3, as declared at design time
  const declared = builtinNodes['prep.window'].inferOutputs!({
    params: windowParams.parse({ values: ['a', 'b'], lookback: 12, horizon: 3 }),
    inputs: {},
  });
  const featureShape = [12, 2];

  it('declares the sample shape at design time', () => {
    expect(declared).toMatchObject({ outputs: { dataset: { featureShape, task: 'regression' } } });
  });

  it('LSTM, GRU, a Transformer encoder and Dense layers resolve on the windows with Dense(auto) = horizon', async () => {
    const inp = await layer('layer.input', 'in', {});
    const lstm = await layer('layer.lstm', 'lstm', { units: 8 }, inp);
    const gru = await layer('layer.gru', 'gru', { units: 8 }, inp);
    const proj = await layer('layer.dense', 'proj', { units: 8 }, inp);
    const enc = await layer('layer.transformer', 'enc', { heads: 2, ffDim: 16 }, proj);
    const pool = await layer('layer.globalavgpool1d', 'pool', {}, enc);
    const flat = await layer('layer.flatten', 'flat', {}, inp);
    const cases: [ModelSpecValue, number[][]][] = [
      [await layer('layer.dense', 'out', { units: 'auto' }, lstm), [[8], [3]]],
      [await layer('layer.dense', 'out', { units: 'auto' }, gru), [[8], [3]]],
      [await layer('layer.dense', 'out', { units: 'auto' }, pool), [[12, 8], [12, 8], [8], [3]]],
      [await layer('layer.dense', 'out', { units: 'auto' }, flat), [[24], [3]]],
    ];
    for (const [spec, shapes] of cases) {
      const r = resolveSpec(spec, { featureShape, outputUnits: 3 });
      expect(r.nodes.map((n) => n.outShape)).toEqual(shapes);
      expect(r.outputShape).toEqual([3]);
    }
  });

  it('the trainer checks a declared Input shape against the windows at design time', () => {
    const trainer = builtinNodes['train.trainer'];
    const data = { kind: 'Dataset', featureShape: [12, 2], task: 'regression' } as const;
    const infer = (shape: (string | number)[]) =>
      trainer.inferOutputs!({
        params: trainer.params.parse({}),
        inputs: { data, model: { kind: 'ModelSpec', inputShape: shape, outputShape: ['batch', null] } },
      });
    expect(infer(['batch', 12, 2])).toMatchObject({ outputs: { model: { inputShape: ['batch', 12, 2] } } });
    expect(infer(['batch', 24, 2])).toEqual({
      error:
        "the model's Input takes samples of [24, 2] but the dataset's are [12, 2]; set the Input layer's shape to match, or leave it empty to take the dataset's",
    });
  });
});
