import { describe, expect, it } from 'vitest';
import type { LossKind, ModelSpecValue } from '../../../../../core/common/model';
import { buildTrainingGraph, resolveSpec } from '../../../../../core/common/model';
import { noise } from './gradCheck';
import { session, tensor } from './ortHelpers';

const spec: ModelSpecValue = {
  format: 'weft.model',
  nodes: [{ id: 'd', layer: { kind: 'dense', units: 'auto', activation: 'sigmoid' }, inputs: ['input'] }],
  output: 'd',
};

/** The step graph's `loss` for input rows `x` (3 × 4) and params `w` (kernel 4×4 row-major, then bias). */
async function stepLoss(loss: LossKind, x: number[], w: number[]): Promise<number> {
  const r = resolveSpec(spec, { featureShape: [4], outputUnits: 4 });
  const g = buildTrainingGraph(r, { loss, optimizer: { kind: 'sgd' }, target: 'input', dtype: 'float64' });
  expect(g.labelName).toBeUndefined();
  const s = await session(g.onnx);
  const out = await s.run({
    input: tensor(Float64Array.from(x), [3, 4]),
    params: tensor(Float64Array.from(w), [w.length]),
    lr: tensor(Float64Array.of(0), []),
  });
  await s.release();
  return Number(out.loss.data[0]);
}

describe('target input (autoencoders)', () => {
  const x = noise(12, 3).map((v) => (v + 1) / 2);
  const w = noise(20, 9);
  // p = sigmoid(x·W + b), by hand in float64.
  const p = [0, 1, 2].map((i) =>
    [0, 1, 2, 3].map((j) => {
      let z = w[16 + j];
      for (let k = 0; k < 4; k++) z += x[i * 4 + k] * w[k * 4 + j];
      return 1 / (1 + Math.exp(-z));
    }),
  );
  const rowMean = (f: (p: number, t: number) => number): number =>
    [0, 1, 2].reduce((a, i) => a + [0, 1, 2, 3].reduce((s, j) => s + f(p[i][j], x[i * 4 + j]), 0), 0) / 3;

  it('compares the output with the input, summed over each row and averaged over rows (MSE)', async () => {
    // The sigmoid stays in the graph for MSE.
    expect(await stepLoss('mse', x, w)).toBeCloseTo(
      rowMean((q, t) => (q - t) ** 2),
      12,
    );
  });

  it('binary cross-entropy on the logits, the sigmoid taken into the loss', async () => {
    expect(await stepLoss('binary_cross_entropy', x, w)).toBeCloseTo(
      rowMean((q, t) => -(t * Math.log(q) + (1 - t) * Math.log(1 - q))),
      10,
    );
  });

  it('refuses a model whose output size differs from the input', () => {
    const r = resolveSpec(spec, { featureShape: [4], outputUnits: 3 });
    expect(() => buildTrainingGraph(r, { loss: 'mse', optimizer: { kind: 'sgd' }, target: 'input' })).toThrow(
      "an autoencoder's output must hold as many values per sample as its input: got [3] for input [4]",
    );
  });
});
