/**
 * maskPadding on layer.attention / layer.transformer: no query attends to a padding key, so the
 * outputs at the real positions of a padded sequence equal those of the same model run on the
 * sequence without its padding (the layers' weights do not depend on the length). Gradients by
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

const embed: LayerSpec = { kind: 'embedding', vocabSize: 9, dim: 4 };
const layers: LayerSpec[] = [
  { kind: 'attention', heads: 2, maskPadding: true },
  { kind: 'transformer', heads: 2, ffDim: 6, dropout: 0, maskPadding: true },
];

async function run(spec: ModelSpecValue, ids: number[], len: number, params: Float32Array[]): Promise<number[]> {
  const r = resolveSpec(spec, { featureShape: [len], outputUnits: 1 });
  const sess = await session(buildInferenceGraph(r, params, { task: 'regression' }));
  const out = await sess.run({ input: tensor(Float32Array.from(ids), [1, len]) });
  await sess.release();
  return Array.from(out.output.data as Float32Array);
}

describe('attention that skips padding keys', () => {
  it.each(layers)('$kind: real positions of [5 2 7 0 0] equal the outputs of [5 2 7]', async (layer) => {
    const spec = seq(embed, layer);
    const params = initParams(resolveSpec(spec, { featureShape: [5], outputUnits: 1 }), 2).values;
    const padded = await run(spec, [5, 2, 7, 0, 0], 5, params);
    const short = await run(spec, [5, 2, 7], 3, params);
    padded.slice(0, 12).forEach((v, i) => expect(v).toBeCloseTo(short[i], 5));
    const unmasked = seq(embed, { ...layer, maskPadding: false } as LayerSpec);
    const leaky = await run(unmasked, [5, 2, 7, 0, 0], 5, params);
    expect(Math.max(...leaky.slice(0, 12).map((v, i) => Math.abs(v - short[i])))).toBeGreaterThan(1e-4);
  });

  it.each(layers)('$kind: gradients match central differences with padding in the batch', async (layer) => {
    const res = await gradCheck(
      seq(embed, layer, { kind: 'globalavgpool1d', maskPadding: true }, { kind: 'dense', units: 'auto' }),
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
