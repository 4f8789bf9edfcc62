import type { ModelData, NodeData, TensorData } from '../../../../../core/common/model/onnx/encodeModel';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { noise } from '../../common/model/gradCheck';

/** Seeded float32 weights of the given dims. */
export function weights(name: string, dims: number[], seed: number, scale = 0.5): TensorData {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dtype: 'float32', dims, data: Float32Array.from(noise(n, seed), (v) => v * scale) };
}

/**
 * A hand-built backbone x [N,1,5,5] → Conv(2 filters 3×3, pad 1, or the attributes `conv`) → Relu →
 * Flatten (`flat` values, 50 by default) → Gemm(transB, →3) → Relu ("features") → Gemm(3→4)
 * ("logits"), opset 17. `extra` ops are appended after "features".
 */
export function backboneModel(
  o: { extra?: NodeData[]; opset?: number; inputs?: number; conv?: NodeData['attrs']; flat?: number } = {},
): ModelData {
  const nodes: NodeData[] = [
    {
      opType: 'Conv',
      inputs: ['x', 'W1', 'b1'],
      outputs: ['conv'],
      attrs: o.conv ?? { pads: { ints: [1, 1, 1, 1] } },
      name: 'conv1',
    },
    { opType: 'Relu', inputs: ['conv'], outputs: ['conv_relu'], attrs: {} },
    { opType: 'Flatten', inputs: ['conv_relu'], outputs: ['flat'], attrs: { axis: { i: 1 } } },
    {
      opType: 'Gemm',
      inputs: ['flat', 'W2', 'b2'],
      outputs: ['fc'],
      attrs: { transB: { i: 1 }, alpha: { f: 0.8 } },
      name: 'fc1',
    },
    { opType: 'Relu', inputs: ['fc'], outputs: ['features'], attrs: {} },
    ...(o.extra ?? []),
    {
      opType: 'Gemm',
      inputs: [o.extra?.length ? o.extra.at(-1)!.outputs[0] : 'features', 'W3', 'b3'],
      outputs: ['logits'],
      attrs: {},
      name: 'fc2',
    },
  ];
  const inputs = [{ name: 'x', dtype: 'float32' as const, shape: ['N', 1, 5, 5] }];
  if ((o.inputs ?? 1) > 1) inputs.push({ name: 'x2', dtype: 'float32' as const, shape: ['N', 3] });
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: o.opset ?? 17 }],
    graph: {
      name: 'backbone',
      nodes,
      inputs,
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['N', 4] }],
      initializers: [
        weights('W1', [2, 1, 3, 3], 1),
        weights('b1', [2], 2, 0.1),
        weights('W2', [3, o.flat ?? 50], 3, 0.3),
        weights('b2', [3], 4, 0.1),
        weights('W3', [3, 4], 5),
        weights('b3', [4], 6, 0.1),
      ],
    },
  };
}

export const backboneBytes = (o?: Parameters<typeof backboneModel>[0]): Uint8Array => encodeModelData(backboneModel(o));
