import * as tf from '@tensorflow/tfjs';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { LayerSpec, ModelSpecValue } from '../../../../../core/common/model';
import {
  buildInferenceGraph,
  buildTrainingGraph,
  initBuffers,
  initParams,
  packParams,
  resolveSpec,
} from '../../../../../core/common/model';
import { noise } from './gradCheck';
import { session, tensor } from './ortHelpers';

function single(layer: LayerSpec): ModelSpecValue {
  return { format: 'weft.model', output: 'l', nodes: [{ id: 'l', layer, inputs: ['input'] }] };
}

async function predict(
  spec: ModelSpecValue,
  featureShape: number[],
  x: Float32Array,
  n: number,
  seed = 4,
  buffers?: Float32Array,
): Promise<{ out: Float32Array; values: Float32Array[] }> {
  const r = resolveSpec(spec, { featureShape, outputUnits: 1 });
  const values = initParams(r, seed).values.map((v, i) => v.map((w, j) => w + 0.2 * noise(v.length, i + 1)[j]));
  const s = await session(buildInferenceGraph(r, values, { task: 'regression', ...(buffers ? { buffers } : {}) }));
  const out = (await s.run({ input: tensor(x, [n, ...featureShape]) })).output.data as Float32Array;
  await s.release();
  return { out, values };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tol);
}

describe('layer forward passes against tfjs layers with the same weights (Keras layouts)', () => {
  const [n, s, f] = [3, 4, 5];
  const x = Float32Array.from(noise(n * s * f, 3));

  it('LSTM (i, f, c, o gates) and GRU (reset_after=false) match tf.layers', async () => {
    for (const kind of ['lstm', 'gru'] as const) {
      for (const returnSequences of [false, true]) {
        const { out, values } = await predict(single({ kind, units: 6, returnSequences }), [s, f], x, n);
        const layer =
          kind === 'lstm'
            ? tf.layers.lstm({ units: 6, returnSequences, recurrentActivation: 'sigmoid' })
            : tf.layers.gru({ units: 6, returnSequences, recurrentActivation: 'sigmoid' });
        const xt = tf.tensor3d(x, [n, s, f]);
        tf.dispose(layer.apply(xt) as tf.Tensor);
        const shapes = layer.getWeights().map((w) => w.shape);
        layer.setWeights(values.map((v, i) => tf.tensor(v, shapes[i])));
        close(out, (layer.apply(xt) as tf.Tensor).dataSync());
        tf.dispose(xt);
      }
    }
  });

  it.each(['lstm', 'gru'] as const)(
    '%s in a training step (the fused backward through time): output, loss and gradients match tf.layers and tf.variableGrads',
    async (kind) => {
      for (const returnSequences of [false, true]) {
        const r = resolveSpec(single({ kind, units: 6, returnSequences }), { featureShape: [s, f], outputUnits: 1 });
        const values = initParams(r, 4).values.map((v, i) => v.map((w, j) => w + 0.2 * noise(v.length, i + 1)[j]));
        const g = buildTrainingGraph(r, {
          loss: 'mse',
          optimizer: { kind: 'sgd' },
          outputLogits: true,
          gradientsOnly: true,
        });
        const outShape = [n, ...r.outputShape];
        const labels = Float32Array.from(
          noise(
            outShape.reduce((a, v) => a * v, 1),
            9,
          ),
        );
        const sess = await session(g.onnx);
        const got = await sess.run({
          input: tensor(x, [n, s, f]),
          labels: tensor(labels, outShape),
          params: tensor(packParams(values), [g.paramCount]),
        });
        await sess.release();
        const layer = (kind === 'lstm' ? tf.layers.lstm : tf.layers.gru)({
          units: 6,
          returnSequences,
          recurrentActivation: 'sigmoid',
        });
        const xt = tf.tensor3d(x, [n, s, f]);
        tf.dispose(layer.apply(xt) as tf.Tensor);
        const shapes = layer.getWeights().map((w) => w.shape);
        layer.setWeights(values.map((v, i) => tf.tensor(v, shapes[i])));
        const yt = tf.tensor(labels, outShape);
        close(got[g.logitsName!].data as Float32Array, (layer.apply(xt) as tf.Tensor).dataSync());
        const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(
          () => tf.mean<tf.Scalar>(tf.square(tf.sub(layer.apply(xt) as tf.Tensor, yt))),
          vars,
        );
        expect((got[g.lossName].data as Float32Array)[0]).toBeCloseTo(value.dataSync()[0], 6);
        close(
          got[g.gradsName!].data as Float32Array,
          Float32Array.from(vars.flatMap((v) => [...grads[v.name].dataSync()])),
          1e-6,
        );
        tf.dispose([xt, yt, value, ...Object.values(grads)]);
      }
    },
  );

  it.each(['lstm', 'gru'] as const)(
    'Embedding → %s in a training step (input product over the distinct ids): loss and gradients match tf.layers and tf.variableGrads',
    async (kind) => {
      // Ids repeat within and across sequences, and ids 1, 4 and 9 never occur: their table rows get no gradient.
      const ids = Float32Array.from([3, 7, 3, 0, 8, 8, 2, 5, 7, 0, 6, 3, 3, 3, 2, 7, 5, 8, 0, 6]);
      const [rows, steps, vocab, dim] = [4, 5, 10, 3];
      const spec: ModelSpecValue = {
        format: 'weft.model',
        output: 'r',
        nodes: [
          { id: 'e', layer: { kind: 'embedding', vocabSize: vocab, dim }, inputs: ['input'] },
          { id: 'r', layer: { kind, units: 4 }, inputs: ['e'] },
        ],
      };
      const r = resolveSpec(spec, { featureShape: [steps], outputUnits: 1 });
      const values = initParams(r, 4).values.map((v, i) => v.map((w, j) => w + 0.2 * noise(v.length, i + 1)[j]));
      const g = buildTrainingGraph(r, { loss: 'mse', optimizer: { kind: 'sgd' }, gradientsOnly: true });
      const labels = Float32Array.from(noise(rows * 4, 9));
      const sess = await session(g.onnx);
      const got = await sess.run({
        input: tensor(ids, [rows, steps]),
        labels: tensor(labels, [rows, 4]),
        params: tensor(packParams(values), [g.paramCount]),
      });
      await sess.release();
      const emb = tf.layers.embedding({ inputDim: vocab, outputDim: dim });
      const rec = (kind === 'lstm' ? tf.layers.lstm : tf.layers.gru)({ units: 4, recurrentActivation: 'sigmoid' });
      const xt = tf.tensor2d(ids, [rows, steps], 'int32');
      const forward = (): tf.Tensor => rec.apply(emb.apply(xt)) as tf.Tensor;
      tf.dispose(forward());
      emb.setWeights([tf.tensor(values[0], [vocab, dim])]);
      rec.setWeights(values.slice(1).map((v, i) => tf.tensor(v, rec.getWeights()[i].shape)));
      const yt = tf.tensor(labels, [rows, 4]);
      const vars = [...emb.trainableWeights, ...rec.trainableWeights].map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => tf.mean<tf.Scalar>(tf.square(tf.sub(forward(), yt))), vars);
      expect((got[g.lossName].data as Float32Array)[0]).toBeCloseTo(value.dataSync()[0], 6);
      const want = Float32Array.from(vars.flatMap((v) => [...grads[v.name].dataSync()]));
      close(got[g.gradsName!].data as Float32Array, want, 1e-6);
      for (const unused of [1, 4, 9])
        expect(Array.from(want.subarray(unused * dim, (unused + 1) * dim))).toEqual([0, 0, 0]);
      tf.dispose([xt, yt, value, ...Object.values(grads)]);
    },
  );

  it('LayerNorm and BatchNorm (inference, running stats) match tf.layers', async () => {
    const { out, values } = await predict(single({ kind: 'layernorm', epsilon: 1e-3 }), [s, f], x, n);
    const ln = tf.layers.layerNormalization({ epsilon: 1e-3 });
    ln.build([null, s, f]);
    ln.setWeights([tf.tensor(values[0]), tf.tensor(values[1])]);
    close(out, (ln.apply(tf.tensor3d(x, [n, s, f])) as tf.Tensor).dataSync());

    const stats = Float32Array.from([...noise(f, 8).map((v) => v * 0.5), ...noise(f, 9).map((v) => 1 + 0.5 * v)]);
    const bn = await predict(single({ kind: 'batchnorm' }), [f], x.subarray(0, n * f), n, 4, stats);
    const ref = tf.layers.batchNormalization({ axis: 1, epsilon: 1e-3 });
    ref.build([null, f]);
    ref.setWeights([
      tf.tensor(bn.values[0]),
      tf.tensor(bn.values[1]),
      tf.tensor(stats.subarray(0, f)),
      tf.tensor(stats.subarray(f)),
    ]);
    close(bn.out, (ref.apply(tf.tensor2d(x.subarray(0, n * f), [n, f])) as tf.Tensor).dataSync());
  });

  it('BatchNorm training step updates the running stats with batch mean and unbiased variance', async () => {
    const spec: ModelSpecValue = {
      format: 'weft.model',
      output: 'o',
      nodes: [
        { id: 'bn', layer: { kind: 'batchnorm', momentum: 0.9 }, inputs: ['input'] },
        { id: 'o', layer: { kind: 'dense', units: 'auto' }, inputs: ['bn'] },
      ],
    };
    const r = resolveSpec(spec, { featureShape: [2, 3, 3], outputUnits: 2 });
    const g = buildTrainingGraph(r, { loss: 'mse', optimizer: { kind: 'sgd' } });
    const xs = Float32Array.from(noise(4 * 18, 2).map((v, i) => v + (i % 18 < 9 ? 1 : -2)));
    const sess = await session(g.onnx);
    const feeds: Record<string, ort.Tensor> = {
      input: tensor(xs, [4, 2, 3, 3]),
      labels: tensor(new Float32Array(4 * 2 * 3 * 2), [4, 2, 3, 2]),
      params: tensor(packParams(initParams(r, 1).values), [g.paramCount]),
      buffers: tensor(initBuffers(r), [g.bufferCount]),
      lr: tensor(Float32Array.of(0.1), []),
    };
    const got = (await sess.run(feeds)).buffers_out.data as Float32Array;
    await sess.release();
    for (let c = 0; c < 2; c++) {
      const vals: number[] = [];
      for (let b = 0; b < 4; b++) for (let j = 0; j < 9; j++) vals.push(xs[b * 18 + c * 9 + j]);
      const mean = vals.reduce((a, v) => a + v, 0) / vals.length;
      const unbiased = vals.reduce((a, v) => a + (v - mean) ** 2, 0) / (vals.length - 1);
      expect(got[c]).toBeCloseTo(0.1 * mean, 5);
      expect(got[2 + c]).toBeCloseTo(0.9 + 0.1 * unbiased, 5);
    }
  });
});
