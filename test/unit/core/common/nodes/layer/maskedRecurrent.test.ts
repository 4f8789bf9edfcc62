/**
 * maskPadding on layer.lstm / layer.gru: the state is carried over at padding steps, so the last
 * state of a sequence padded at the end or at the start equals the last state of the same model run
 * on the sequence without its padding (the weights do not depend on the length). Gradients by
 * central differences.
 */
import { describe, expect, it } from 'vitest';
import type { LayerSpec, ModelSpecValue } from '../../../../../../core/common/model';
import { buildInferenceGraph, initParams, resolveSpec } from '../../../../../../core/common/model';
import { gradCheck } from '../../model/gradCheck';
import { session, tensor } from '../../model/ortHelpers';

function seq(...layers: LayerSpec[]): ModelSpecValue {
  const nodes = layers.map((layer, i) => ({ id: `l${i + 1}`, layer, inputs: [i === 0 ? 'input' : `l${i}`] }));
  return { format: 'weft.model', nodes, output: `l${layers.length}` };
}

const embed: LayerSpec = { kind: 'embedding', vocabSize: 9, dim: 3 };
const layers: LayerSpec[] = [
  { kind: 'lstm', units: 4, maskPadding: true },
  { kind: 'gru', units: 4, maskPadding: true },
];

async function run(spec: ModelSpecValue, ids: number[], params: Float32Array[]): Promise<number[]> {
  const r = resolveSpec(spec, { featureShape: [ids.length], outputUnits: 1 });
  const sess = await session(buildInferenceGraph(r, params, { task: 'regression' }));
  const out = await sess.run({ input: tensor(Float32Array.from(ids), [1, ids.length]) });
  await sess.release();
  return Array.from(out.output.data as Float32Array);
}

describe('recurrent layers that skip padding', () => {
  it.each(layers)('$kind: the last state of [5 2 7 0 0] and of [0 0 5 2 7] equals that of [5 2 7]', async (layer) => {
    const spec = seq(embed, layer);
    const params = initParams(resolveSpec(spec, { featureShape: [5], outputUnits: 1 }), 2).values;
    const short = await run(spec, [5, 2, 7], params);
    for (const padded of [
      [5, 2, 7, 0, 0],
      [0, 0, 5, 2, 7],
    ]) {
      const got = await run(spec, padded, params);
      got.forEach((v, i) => expect(v).toBeCloseTo(short[i], 6));
    }
    const leaky = await run(seq(embed, { ...layer, maskPadding: false } as LayerSpec), [5, 2, 7, 0, 0], params);
    expect(Math.max(...leaky.map((v, i) => Math.abs(v - short[i])))).toBeGreaterThan(1e-4);
  });

  it.each(layers)('$kind: gradients match central differences with padding in the batch', async (layer) => {
    const res = await gradCheck(
      seq(
        embed,
        { ...layer, returnSequences: true } as LayerSpec,
        { kind: 'globalavgpool1d', maskPadding: true },
        { kind: 'dense', units: 'auto' },
      ),
      {
        featureShape: [5],
        outputUnits: 3,
        loss: 'cross_entropy',
        x: [3, 1, 4, 0, 0, 0, 0, 2, 6, 5, 1, 2, 3, 4, 5, 8, 0, 0, 0, 0],
        batch: 4,
        labels: [0, 1, 2, 0],
      },
    );
    expect(res.worst, `${res.dtype}, ${res.checked} coordinates, worst abs ${res.worstAbs}`).toBeLessThan(1);
  });
});
