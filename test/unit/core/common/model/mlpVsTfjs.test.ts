import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { ModelSpecValue } from '../../../../../core/common/model';
import {
  buildInferenceGraph,
  buildTrainingGraph,
  initParams,
  packParams,
  resolveSpec,
  unpackParams,
} from '../../../../../core/common/model';
import { session, tensor, trainSteps } from './ortHelpers';

const spec: ModelSpecValue = {
  format: 'weft.model',
  output: 'out',
  nodes: [
    { id: 'h1', layer: { kind: 'dense', units: 16, activation: 'relu' }, inputs: ['input'] },
    { id: 'h2', layer: { kind: 'dense', units: 8, activation: 'tanh' }, inputs: ['h1'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto', activation: 'softmax' }, inputs: ['h2'] },
  ],
};

function data(n: number, f: number, k: number): { x: Float32Array; y: Int32Array } {
  const x = Float32Array.from({ length: n * f }, (_, i) => Math.sin(i * 1.7) + 0.3 * Math.cos(i * 0.31));
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % k);
  return { x, y };
}

describe('MLP training step against TensorFlow.js', () => {
  it('matches tfjs Adam weights after 6 steps, and the inference graph gives softmax probabilities', async () => {
    const [n, f, k] = [12, 6, 3];
    const r = resolveSpec(spec, { featureShape: [f], outputUnits: k });
    const init = initParams(r, 7);
    const g = buildTrainingGraph(r, { loss: 'cross_entropy', optimizer: { kind: 'adam', epsilon: 1e-7 } });
    const { x, y } = data(n, f, k);
    const steps = 6;
    const lr = 0.01;
    const ours = await trainSteps(g, { params: packParams(init.values) }, x, [n, f], y, [n], steps, lr);

    const vars = init.values.map((v, i) => tf.variable(tf.tensor(v, init.shapes[i])));
    const xs = tf.tensor2d(x, [n, f]);
    const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), k);
    const forward = (): tf.Tensor => {
      const h1 = tf.relu(tf.add(tf.matMul(xs, vars[0]), vars[1]));
      const h2 = tf.tanh(tf.add(tf.matMul(h1, vars[2]), vars[3]));
      return tf.add(tf.matMul(h2, vars[4]), vars[5]);
    };
    const lossFn = (): tf.Scalar => tf.mean<tf.Scalar>(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(forward())), 1)));
    const opt = tf.train.adam(lr, 0.9, 0.999, 1e-7);
    const tfLosses: number[] = [];
    for (let s = 0; s < steps; s++) tfLosses.push((opt.minimize(lossFn, true) as tf.Scalar).dataSync()[0]);

    for (let s = 0; s < steps; s++) expect(ours.losses[s]).toBeCloseTo(tfLosses[s], 5);
    const trained = unpackParams(r, ours.carried.params as Float32Array);
    let maxDiff = 0;
    trained.forEach((w, i) => {
      const ref = vars[i].dataSync();
      for (let j = 0; j < w.length; j++) maxDiff = Math.max(maxDiff, Math.abs(w[j] - ref[j]));
    });
    // Measured ~1e-6: tfjs adds epsilon to √v̂·√(1−β₂ᵗ) rather than √v̂, and float32 rounding.
    expect(maxDiff).toBeLessThan(1e-5);

    const inf = await session(buildInferenceGraph(r, trained, { task: 'classification' }));
    const out = await inf.run({ input: tensor(x, [n, f]) });
    const ref = tf.softmax(forward()).dataSync();
    expect(out.output.dims).toEqual([n, k]);
    const probs = out.output.data as Float32Array;
    for (let j = 0; j < probs.length; j++) expect(probs[j]).toBeCloseTo(ref[j], 5);
    await inf.release();
    tf.dispose([...vars, xs, onehot]);
  });

  it('handles a last partial batch with the same graph', async () => {
    const r = resolveSpec(spec, { featureShape: [4], outputUnits: 2 });
    const g = buildTrainingGraph(r, { loss: 'cross_entropy', optimizer: { kind: 'sgd' } });
    const init = packParams(initParams(r, 1).values);
    for (const n of [5, 1]) {
      const { x, y } = data(n, 4, 2);
      const res = await trainSteps(g, { params: init }, x, [n, 4], y, [n], 1, 0.1);
      expect(Number.isFinite(res.losses[0])).toBe(true);
      expect(Number(res.last.correct.data[0])).toBeLessThanOrEqual(n);
    }
  });
});
