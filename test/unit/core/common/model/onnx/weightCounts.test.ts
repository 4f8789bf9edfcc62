import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../../../../core/common/model/onnx/decodeModel';
import { encodeModelData, type ModelData, type TensorData } from '../../../../../../core/common/model/onnx/encodeModel';
import { weightCounts } from '../../../../../../core/common/model/onnx/weightCounts';

const t = (name: string, dtype: TensorData['dtype'], dims: number[], data: TensorData['data']): TensorData => ({
  name,
  dtype,
  dims,
  data,
});

/** x → DequantizeLinear(w_q, w_scale, w_zp) → MatMul → Add(b) → Reshape(shape) → Mul(eps): hand-counted tensors. */
function model(): ModelData {
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 3] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 2] }],
      nodes: [
        { opType: 'DequantizeLinear', inputs: ['w_q', 'w_scale', 'w_zp'], outputs: ['w'], attrs: { axis: { i: 1 } } },
        { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
        { opType: 'Add', inputs: ['xw', 'b'], outputs: ['h'] },
        { opType: 'Reshape', inputs: ['h', 'shape'], outputs: ['r'] },
        { opType: 'Mul', inputs: ['r', 'eps'], outputs: ['y'] },
      ],
      initializers: [
        t('w_q', 'int8', [3, 2], Int8Array.of(0, 5, -3, 0, 0, 127)),
        t('w_scale', 'float32', [2], Float32Array.of(0.1, 0.2)),
        t('w_zp', 'int8', [2], Int8Array.of(0, 0)),
        t('b', 'float32', [2], Float32Array.of(0, 0.5)),
        t('shape', 'int64', [2], BigInt64Array.of(-1n, 2n)),
        t('eps', 'float32', [], Float32Array.of(1e-5)),
      ],
    },
  };
}

describe('weightCounts', () => {
  it('counts weight and bias elements, not scales, zero points, int64 shapes or scalars', () => {
    // w_q: 6 numbers, 3 non-zero; b: 2 numbers, 1 non-zero.
    expect(weightCounts(model())).toEqual({ parameters: 8, nonzero: 4 });
    expect(weightCounts(decodeModel(encodeModelData(model())))).toEqual({ parameters: 8, nonzero: 4 });
  });

  it('reads float16 weights from their raw bytes, negative zero counted as zero', () => {
    const m = model();
    const half = t('b', 'float16', [2], Uint8Array.of(0x00, 0x80, 0x00, 0x3c));
    const g = { ...m.graph, initializers: m.graph.initializers.map((x) => (x.name === 'b' ? half : x)) };
    expect(weightCounts({ ...m, graph: g })).toEqual({ parameters: 8, nonzero: 4 });
  });
});
