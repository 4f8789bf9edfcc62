/**
 * Static int8 on graphs as the model compiler emits them for other layer kinds (strided `same`
 * convolutions with BatchNorm and pooling, a transformer block, an LSTM): the QDQ file runs in
 * onnxruntime, stays close to the float file (the oracle) and gives a row the same output alone or
 * in a batch.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildInferenceGraph,
  initParams,
  resolveSpec,
  type LayerNode,
  type LayerSpec,
  type ModelSpecValue,
} from '../../../../../core/common/model';
import { decodeModel } from '../../../../../core/common/model/onnx/decodeModel';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { calibrationTensors, quantizeStatic } from '../../../../../core/common/model/onnx/quantizeStatic';
import { calibrateRanges } from '../../../../../core/node/export/calibrate';

function seq(...layers: LayerSpec[]): ModelSpecValue {
  const nodes: LayerNode[] = layers.map((layer, i) => ({
    id: `l${i + 1}`,
    layer,
    inputs: [i === 0 ? 'input' : `l${i}`],
  }));
  return { format: 'weft.model', nodes, output: `l${layers.length}` };
}
const head: LayerSpec = { kind: 'dense', units: 'auto' };

const cases: { name: string; spec: ModelSpecValue; shape: number[]; weights: number; ints?: number }[] = [
  {
    name: 'strided same conv, BatchNorm, average and global pooling',
    spec: seq(
      { kind: 'conv2d', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
      { kind: 'batchnorm' },
      { kind: 'conv2d', filters: 8, kernelSize: 3 },
      { kind: 'avgpool2d', poolSize: 2, padding: 'same' },
      { kind: 'globalavgpool' },
      head,
    ),
    shape: [3, 12, 12],
    weights: 3,
  },
  {
    name: 'transformer block (rank-3 dense layers stay MatMul)',
    spec: seq({ kind: 'transformer', heads: 2, ffDim: 8, dropout: 0 }, { kind: 'flatten' }, head),
    shape: [3, 4],
    weights: 7,
  },
  {
    name: 'embedding + LSTM (one int8 recurrent weight shared by every step)',
    spec: seq({ kind: 'embedding', vocabSize: 7, dim: 3 }, { kind: 'lstm', units: 4 }, head),
    shape: [5],
    weights: 3,
    ints: 7,
  },
];

describe('static int8 across layer kinds', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const resolved = resolveSpec(c.spec, { featureShape: c.shape, outputUnits: 3 });
      const onnx = buildInferenceGraph(resolved, initParams(resolved, 7), { task: 'classification' });
      const float = decodeModel(onnx);
      const size = c.shape.reduce((a, b) => a * b, 1);
      const n = 256;
      const x = Float32Array.from({ length: n * size }, (_, i) =>
        c.ints ? (i * 7919) % c.ints : Math.sin(i * 1.7) * 2,
      );
      const feeds = (s: number, e: number) => ({
        input: new ort.Tensor('float32', x.slice(s * size, e * size), [e - s, ...c.shape]),
      });
      const ranges = await calibrateRanges(float, calibrationTensors(float), { n, feeds }, { kind: 'minmax' });
      const q = quantizeStatic(float, ranges);
      expect(q.weights).toHaveLength(c.weights);
      const [fs, qs] = [
        await ort.InferenceSession.create(onnx),
        await ort.InferenceSession.create(encodeModelData(q.model)),
      ];
      const a = (await fs.run(feeds(0, n))).output.data as Float32Array;
      const b = (await qs.run(feeds(0, n))).output.data as Float32Array;
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThan(0.02);
      for (const row of [0, 5, 255]) {
        const one = (await qs.run(feeds(row, row + 1))).output.data as Float32Array;
        expect(Array.from(one)).toEqual(Array.from(b.subarray(row * 3, row * 3 + 3)));
      }
      await fs.release();
      await qs.release();
    });
  }
});
