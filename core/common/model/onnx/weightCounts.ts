import type { ModelData, TensorData } from './encodeModel';

/** How many numbers a model's weight tensors hold, and how many of them are not zero. */
export interface WeightCounts {
  parameters: number;
  nonzero: number;
}

const QDQ = new Set(['QuantizeLinear', 'DequantizeLinear']);
const FLOAT16 = new Set(['float16', 'bfloat16']);

function nonzeroOf(t: TensorData, count: number): number {
  const d = t.data;
  if (!(d instanceof Uint8Array) || t.dtype === 'uint8' || t.dtype === 'bool') {
    let n = 0;
    for (let i = 0; i < count; i++) if (Number(d[i]) !== 0) n++;
    return n;
  }
  const size = d.length / Math.max(count, 1);
  let n = 0;
  for (let i = 0; i < count; i++) {
    let any = false;
    for (let j = 0; j < size && !any; j++) {
      const byte = d[i * size + j];
      any = (FLOAT16.has(t.dtype) && j === size - 1 ? byte & 0x7f : byte) !== 0;
    }
    if (any) n++;
  }
  return n;
}

/**
 * Parameters of an ONNX model counted from its initialisers: every tensor with at least one
 * dimension except int64 ones (shapes and axes) and the scales and zero points of
 * QuantizeLinear/DequantizeLinear, so an int8 QDQ model counts the same weights as its float
 * original. Non-zero counts an int8 weight by its stored value.
 */
export function weightCounts(model: ModelData): WeightCounts {
  const qdqSide = new Set<string>();
  for (const n of model.graph.nodes) if (QDQ.has(n.opType)) for (const name of n.inputs.slice(1)) qdqSide.add(name);
  let parameters = 0;
  let nonzero = 0;
  for (const t of model.graph.initializers) {
    if (!t.dims.length || t.dtype === 'int64' || t.dtype === 'string' || qdqSide.has(t.name)) continue;
    const count = t.dims.reduce((a, b) => a * b, 1);
    parameters += count;
    nonzero += nonzeroOf(t, count);
  }
  return { parameters, nonzero };
}
