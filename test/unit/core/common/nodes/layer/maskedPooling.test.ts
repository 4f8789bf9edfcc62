/**
 * maskPadding on layer.globalavgpool1d / layer.globalmaxpool1d: the steps whose token id is 0
 * (prep.tokenize's padding) are left out, checked against the masked mean and maximum computed
 * here in plain arithmetic on the same embeddings, and by central differences.
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

const [vocab, dim, len] = [7, 3, 5];
const ids = [
  [3, 1, 4, 0, 0],
  [0, 0, 2, 6, 5],
  [0, 0, 0, 0, 0],
  [1, 2, 3, 4, 5],
];

async function pooled(kind: 'globalavgpool1d' | 'globalmaxpool1d') {
  const spec = seq({ kind: 'embedding', vocabSize: vocab, dim }, { kind, maskPadding: true });
  const r = resolveSpec(spec, { featureShape: [len], outputUnits: 1 });
  const params = initParams(r, 4).values;
  const table = params[0];
  const sess = await session(buildInferenceGraph(r, params, { task: 'regression' }));
  const out = await sess.run({ input: tensor(Float32Array.from(ids.flat()), [ids.length, len]) });
  await sess.release();
  return { got: Array.from(out.output.data as Float32Array), table };
}

describe('masked pooling over token ids', () => {
  it('averages only the non-padding steps (0 for a row of padding)', async () => {
    const { got, table } = await pooled('globalavgpool1d');
    const want = ids.flatMap((row) => {
      const real = row.filter((id) => id !== 0);
      return Array.from({ length: dim }, (_, f) =>
        real.length ? real.reduce((a, id) => a + table[id * dim + f], 0) / real.length : 0,
      );
    });
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 6));
  });

  it('takes the maximum over the non-padding steps only (0 for a row of padding)', async () => {
    const { got, table } = await pooled('globalmaxpool1d');
    const want = ids.flatMap((row) => {
      const real = row.filter((id) => id !== 0);
      return Array.from({ length: dim }, (_, f) =>
        real.length ? Math.max(...real.map((id) => table[id * dim + f])) : 0,
      );
    });
    expect(got).toEqual(want.map((v) => Math.fround(v)));
  });

  it('gradients match central differences with padding in the batch', async () => {
    for (const kind of ['globalavgpool1d', 'globalmaxpool1d'] as const) {
      const res = await gradCheck(
        seq(
          { kind: 'embedding', vocabSize: vocab, dim },
          { kind, maskPadding: true },
          { kind: 'dense', units: 'auto' },
        ),
        {
          featureShape: [len],
          outputUnits: 3,
          loss: 'cross_entropy',
          x: ids.flat(),
          batch: ids.length,
          labels: [0, 1, 2, 0],
        },
      );
      expect(res.worst, `${kind}: ${res.dtype}, ${res.checked} coordinates, worst abs ${res.worstAbs}`).toBeLessThan(1);
    }
  });

  it('refuses a model whose input is not the token ids of the pooled sequence', () => {
    const spec = seq({ kind: 'dense', units: 2, activation: 'tanh' }, { kind: 'globalavgpool1d', maskPadding: true });
    const r = resolveSpec(spec, { featureShape: [4, 3], outputUnits: 1 });
    expect(() => buildInferenceGraph(r, initParams(r, 1).values, { task: 'regression' })).toThrow(
      /maskPadding needs the model input to be token ids/,
    );
  });
});
