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
import { noise } from './gradCheck';
import { session, tensor, trainSteps } from './ortHelpers';

const spec: ModelSpecValue = {
  format: 'weft.model',
  output: 'out',
  nodes: [
    { id: 'img', layer: { kind: 'reshape', shape: 'image' }, inputs: ['input'] },
    { id: 'c1', layer: { kind: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' }, inputs: ['img'] },
    { id: 'p1', layer: { kind: 'maxpool2d', poolSize: 2 }, inputs: ['c1'] },
    {
      id: 'c2',
      layer: { kind: 'conv2d', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' },
      inputs: ['p1'],
    },
    { id: 'p2', layer: { kind: 'maxpool2d', poolSize: 2 }, inputs: ['c2'] },
    { id: 'f', layer: { kind: 'flatten' }, inputs: ['p2'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto' }, inputs: ['f'] },
  ],
};

describe('small CNN against TensorFlow.js', () => {
  it('matches tfjs conv/pool/dense with Adam from identical weights', async () => {
    const [n, k] = [8, 3];
    const r = resolveSpec(spec, { featureShape: [100], outputUnits: k });
    const init = initParams(r, 5);
    const x = Float32Array.from(noise(n * 100, 9));
    const y = Int32Array.from({ length: n }, (_, i) => i % k);
    const steps = 5;
    const lr = 0.01;
    const g = buildTrainingGraph(r, { loss: 'cross_entropy', optimizer: { kind: 'adam' } });
    const ours = await trainSteps(g, { params: packParams(init.values) }, x, [n, 100], y, [n], steps, lr);

    // tfjs is NHWC with HWIO kernels: transpose ours (OIHW) and flatten in our CHW order.
    const v = init.values.map((w, i) => tf.variable(tf.tensor(w, init.shapes[i])));
    const xs = tf.transpose<tf.Tensor4D>(tf.tensor4d(x, [n, 1, 10, 10]), [0, 2, 3, 1]);
    const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), k);
    const hwio = (w: tf.Tensor): tf.Tensor4D => tf.transpose<tf.Tensor4D>(w as tf.Tensor4D, [2, 3, 1, 0]);
    const forward = (): tf.Tensor2D => {
      const a = tf.maxPool(tf.relu(tf.add<tf.Tensor4D>(tf.conv2d(xs, hwio(v[0]), 1, 'valid'), v[1])), 2, 2, 'valid');
      const b = tf.maxPool(tf.relu(tf.add<tf.Tensor4D>(tf.conv2d(a, hwio(v[2]), 1, 'same'), v[3])), 2, 2, 'valid');
      const flat = tf.reshape(tf.transpose(b, [0, 3, 1, 2]), [n, -1]);
      return tf.add(tf.matMul(flat, v[4]), v[5]);
    };
    const opt = tf.train.adam(lr, 0.9, 0.999, 1e-7);
    const tfLosses: number[] = [];
    for (let s = 0; s < steps; s++) {
      tfLosses.push(
        opt
          .minimize(() => tf.mean<tf.Scalar>(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(forward())), 1))), true)!
          .dataSync()[0],
      );
    }
    ours.losses.forEach((l, s) => expect(l).toBeCloseTo(tfLosses[s], 5));
    const trained = unpackParams(r, ours.carried.params as Float32Array);
    let maxDiff = 0;
    trained.forEach((w, i) => {
      const ref = v[i].dataSync();
      w.forEach((val, j) => (maxDiff = Math.max(maxDiff, Math.abs(val - ref[j]))));
    });
    // Measured: ~1e-6 (float32 rounding through Adam's division by √v̂).
    expect(maxDiff).toBeLessThan(1e-5);

    const inf = await session(buildInferenceGraph(r, trained, { task: 'classification' }));
    const probs = (await inf.run({ input: tensor(x, [n, 100]) })).output.data as Float32Array;
    const ref = tf.softmax(forward()).dataSync();
    probs.forEach((p, j) => expect(p).toBeCloseTo(ref[j], 5));
    await inf.release();
    tf.dispose([...v, xs, onehot]);
  });
});
