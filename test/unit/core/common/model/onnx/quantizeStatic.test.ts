import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModelData, type ModelData, type TensorData } from '../../../../../../core/common/model/onnx/encodeModel';
import {
  activationParams,
  calibrationTensors,
  quantizeStatic,
  quantizeWeightChannels,
} from '../../../../../../core/common/model/onnx/quantizeStatic';

const f32 = (name: string, dims: number[], values: number[]): TensorData => ({
  name,
  dtype: 'float32',
  dims,
  data: Float32Array.from(values),
});

/** y = Softmax(x · W + b) with x `[N, 3]`, W `[3, 2]`. */
function gemmModel(transB = false): ModelData {
  const w = [0.5, -0.2, -1.27, 0.09, 0.3, 0.04];
  const wt = [0.5, -1.27, 0.3, -0.2, 0.09, 0.04];
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      nodes: [
        {
          opType: 'Gemm',
          inputs: ['x', 'W', 'b'],
          outputs: ['logits'],
          name: 'dense',
          ...(transB ? { attrs: { transB: { i: 1 } } } : {}),
        },
        { opType: 'Softmax', inputs: ['logits'], outputs: ['p'], attrs: { axis: { i: -1 } } },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 3] }],
      outputs: [{ name: 'p', dtype: 'float32', shape: ['N', 2] }],
      initializers: [f32('W', transB ? [2, 3] : [3, 2], transB ? wt : w), f32('b', [2], [0.2, -0.1])],
    },
  };
}

const init = (m: ModelData, name: string): TensorData => {
  const t = m.graph.initializers.find((i) => i.name === name);
  if (!t) throw new Error(`no initializer ${name}`);
  return t;
};

describe('static QDQ quantization (hand-computed)', () => {
  it('a Gemm: per-column int8 weights, scales and zero points as computed by hand', () => {
    expect(calibrationTensors(gemmModel())).toEqual(['x']);
    const { model, weights, activations } = quantizeStatic(gemmModel(), { x: { min: -1, max: 3 } });
    expect(weights).toEqual(['W']);
    expect(activations).toEqual(['x']);
    // Column 0: max |w| = 1.27 → scale 0.01, q = 50, −127, 30. Column 1: max 0.2 → scale 0.2/127,
    // q = −127, 0.09·635 = 57.15 → 57, 0.04·635 = 25.4 → 25.
    const scale = init(model, 'W_s').data as Float32Array;
    expect(scale[0]).toBeCloseTo(0.01, 8);
    expect(scale[1]).toBeCloseTo(0.2 / 127, 9);
    expect(Array.from(init(model, 'W_q').data as Int8Array)).toEqual([50, -127, -127, 57, 30, 25]);
    expect(Array.from(init(model, 'W_z').data as Int8Array)).toEqual([0, 0]);
    // x in [−1, 3] as uint8: scale 4/255, zero point round(1 / (4/255)) = round(63.75) = 64.
    expect((init(model, 'x_s').data as Float32Array)[0]).toBeCloseTo(4 / 255, 8);
    expect(Array.from(init(model, 'x_z').data as Uint8Array)).toEqual([64]);
    // Bias as int32 at scale x_scale · w_scale: 0.2 / (4/255 · 0.01) = 1275; −0.1 / (4/255 · 0.2/127) = −4048.125.
    expect(Array.from(init(model, 'b_q').data as Int32Array)).toEqual([1275, -4048]);
    const ops = model.graph.nodes.map((n) => n.opType);
    expect(ops).toEqual([
      'QuantizeLinear',
      'DequantizeLinear',
      'DequantizeLinear',
      'DequantizeLinear',
      'Gemm',
      'Softmax',
    ]);
    expect(model.graph.initializers.map((t) => t.name)).not.toContain('W');
  });

  it('the transposed weight is quantized per row (its output channel)', () => {
    const { model } = quantizeStatic(gemmModel(true), { x: { min: -1, max: 3 } });
    expect(Array.from(init(model, 'W_q').data as Int8Array)).toEqual([50, -127, 30, -127, 57, 25]);
    const dq = model.graph.nodes.find((n) => n.inputs[0] === 'W_q')!;
    expect(dq.attrs?.axis).toEqual({ i: 0 });
  });

  it('int8 activations: zero point so that 0 is exact; a range without width keeps scale 1', () => {
    expect(activationParams({ min: -1, max: 3 }, 'int8')).toEqual({ scale: Math.fround(4 / 255), zeroPoint: -64 });
    expect(activationParams({ min: 0.5, max: 2.55 }, 'uint8')).toEqual({ scale: Math.fround(0.01), zeroPoint: 0 });
    expect(activationParams({ min: 0, max: 0 }, 'uint8')).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('dequantized weights lie within scale/2 of the originals, per channel of a conv kernel', () => {
    let s = 3;
    const rand = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const dims = [4, 3, 3, 3];
    const w = Float32Array.from({ length: 108 }, (_, i) => rand() * (i < 27 ? 0.01 : 1));
    const { q, scale } = quantizeWeightChannels(w, dims, 0);
    for (let c = 0; c < 4; c++) {
      const slice = Array.from(w.subarray(c * 27, (c + 1) * 27));
      expect(scale[c]).toBeCloseTo(Math.max(...slice.map(Math.abs)) / 127, 9);
      slice.forEach((v, i) => expect(Math.abs(q[c * 27 + i] * scale[c] - v)).toBeLessThanOrEqual(scale[c] / 2 + 1e-9));
      expect(Math.max(...Array.from(q.subarray(c * 27, (c + 1) * 27), Math.abs))).toBe(127);
    }
  });

  it('onnxruntime computes what the QDQ graph says: fake-quantized x · W + b, same for 1 row or many', async () => {
    const { model } = quantizeStatic(gemmModel(), { x: { min: -1, max: 3 } });
    const session = await ort.InferenceSession.create(encodeModelData(model));
    const xs = [0.3, -2, 1.7, 2.9, 0.01, -0.5, 5, 1, 0.123];
    const out = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(xs), [3, 3]) })).p
      .data as Float32Array;
    const single = [];
    for (let r = 0; r < 3; r++) {
      const row = Float32Array.from(xs.slice(r * 3, r * 3 + 3));
      single.push(...((await session.run({ x: new ort.Tensor('float32', row, [1, 3]) })).p.data as Float32Array));
    }
    await session.release();
    expect(single).toEqual(Array.from(out));
    // The oracle: x → clamp(round(x/s) + z, 0, 255), back to (q − z)·s; hand-rounded int weights and bias.
    const xs4 = 4 / 255;
    const fq = (v: number): number => (Math.max(0, Math.min(255, Math.round(v / xs4) + 64)) - 64) * xs4;
    const wq = [
      [50 * 0.01, -127 * (0.2 / 127)],
      [-127 * 0.01, 57 * (0.2 / 127)],
      [30 * 0.01, 25 * (0.2 / 127)],
    ];
    const bq = [1275 * xs4 * 0.01, -4048 * xs4 * (0.2 / 127)];
    for (let r = 0; r < 3; r++) {
      const z = [0, 1].map((j) => bq[j] + [0, 1, 2].reduce((a, k) => a + fq(xs[r * 3 + k]) * wq[k][j], 0));
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const p = e.map((v) => v / (e[0] + e[1]));
      expect(out[r * 2]).toBeCloseTo(p[0], 5);
      expect(out[r * 2 + 1]).toBeCloseTo(p[1], 5);
    }
  });

  it('layout ops between quantized layers keep their input quantization; MatMul + Add becomes Gemm at rank 2', () => {
    const m: ModelData = {
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        nodes: [
          { opType: 'Conv', inputs: ['img', 'K', 'kb'], outputs: ['c'], attrs: { kernel_shape: { ints: [2, 2] } } },
          { opType: 'Relu', inputs: ['c'], outputs: ['r'] },
          {
            opType: 'MaxPool',
            inputs: ['r'],
            outputs: ['mp'],
            attrs: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } },
          },
          { opType: 'Flatten', inputs: ['mp'], outputs: ['f'] },
          { opType: 'MatMul', inputs: ['f', 'W'], outputs: ['mm'] },
          { opType: 'Add', inputs: ['mm', 'b'], outputs: ['y'] },
        ],
        inputs: [{ name: 'img', dtype: 'float32', shape: ['N', 1, 5, 5] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 3] }],
        initializers: [
          f32('K', [2, 1, 2, 2], [1, -1, 0.5, 0.25, -0.5, 0.5, 1, 1]),
          f32('kb', [2], [0.1, -0.1]),
          f32(
            'W',
            [8, 3],
            Array.from({ length: 24 }, (_, i) => (i % 7) / 7 - 0.4),
          ),
          f32('b', [3], [0.1, 0.2, 0.3]),
        ],
      },
    };
    expect(calibrationTensors(m)).toEqual(['img', 'r', 'mp', 'f']);
    const ranges = {
      img: { min: 0, max: 1, rank: 4 },
      r: { min: 0, max: 2, rank: 4 },
      mp: { min: 0, max: 2, rank: 4 },
      f: { min: 0, max: 1.5, rank: 2 },
    };
    const { model, weights } = quantizeStatic(m, ranges);
    expect(weights).toEqual(['K', 'W']);
    const gemm = model.graph.nodes.find((n) => n.opType === 'Gemm')!;
    expect(gemm.outputs).toEqual(['y']);
    expect(model.graph.nodes.map((n) => n.opType)).not.toContain('Add');
    // mp and f reuse r's scale (2/255, zero point 0), not their own calibrated ranges.
    for (const t of ['r', 'mp', 'f'])
      expect((init(model, `${t}_s`).data as Float32Array)[0]).toBe(Math.fround(2 / 255));
    const maxPool = model.graph.nodes.find((n) => n.opType === 'MaxPool')!;
    expect(maxPool.inputs).toEqual(['r_dq']);
    // At rank 3 the MatMul stays a MatMul (Gemm takes matrices only) and its Add stays float.
    const kept = quantizeStatic(m, { ...ranges, f: { min: 0, max: 1.5, rank: 3 } }).model.graph.nodes.map(
      (n) => n.opType,
    );
    expect(kept).toContain('MatMul');
    expect(kept).toContain('Add');
  });

  it('bad input: a missing or non-finite range and an old opset are named', () => {
    expect(() => quantizeStatic(gemmModel(), {})).toThrow(/no calibrated range for tensor x/);
    expect(() => quantizeStatic(gemmModel(), { x: { min: NaN, max: 1 } })).toThrow(
      /tensor x has a non-finite calibrated range/,
    );
    const old = { ...gemmModel(), opsets: [{ domain: '', version: 11 }] };
    expect(() => quantizeStatic(old, { x: { min: 0, max: 1 } })).toThrow(/needs opset 13 or later.*has 11/);
  });
});
