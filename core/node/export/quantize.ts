/**
 * Int8 dynamic quantization, as onnxruntime's `quantize_dynamic` does it with standard operators:
 * each MatMul/Gemm with a constant weight becomes DynamicQuantizeLinear on the activations
 * (uint8, per tensor, at run time), MatMulInteger against int8 weights quantized symmetrically per
 * output column, then a rescale back to float. Convolutions stay float.
 */
import type { ModelData, NodeData, TensorData } from '../../common/model/onnx/encodeModel';
import { attrFloat, attrInt, tensorFloats, transpose2d } from '../../common/model/onnx/attrs';

export interface QuantizeResult {
  model: ModelData;
  /** Weight matrices turned into int8. */
  quantized: string[];
}

/** `[K, M]` float weights → int8 weights and one scale per column (max |w| / 127). */
function quantizeColumns(w: Float32Array, k: number, m: number, alpha: number): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    let max = 0;
    for (let i = 0; i < k; i++) max = Math.max(max, Math.abs(w[i * m + j]));
    scale[j] = max > 0 ? max / 127 : 1;
  }
  const q = new Int8Array(k * m);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < m; j++) q[i * m + j] = Math.max(-127, Math.min(127, Math.round(w[i * m + j] / scale[j])));
  for (let j = 0; j < m; j++) scale[j] *= alpha;
  return { q, scale };
}

const node = (opType: string, inputs: string[], outputs: string[], attrs: NodeData['attrs'] = {}): NodeData => ({
  opType,
  inputs,
  outputs,
  attrs,
  name: outputs[0],
});

export function quantizeDynamic(source: ModelData): QuantizeResult {
  const g = source.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const added: TensorData[] = [];
  const quantized: string[] = [];
  const nodes: NodeData[] = [];
  let count = 0;
  for (const n of g.nodes) {
    const weight = inits.get(n.inputs[1] ?? '');
    const isGemm = n.opType === 'Gemm' && !n.domain && attrInt(n, 'transA', 0) === 0;
    if (
      ((n.opType !== 'MatMul' || n.domain) && !isGemm) ||
      !weight ||
      weight.dtype !== 'float32' ||
      weight.proto ||
      weight.dims.length !== 2
    ) {
      nodes.push(n);
      continue;
    }
    const p = `weft_q${count++}_`;
    let [k, m] = weight.dims as [number, number];
    let w = tensorFloats(weight);
    if (isGemm && attrInt(n, 'transB', 0) === 1) {
      w = transpose2d(w, k, m);
      [k, m] = [m, k];
    }
    const { q, scale } = quantizeColumns(w, k, m, isGemm ? attrFloat(n, 'alpha', 1) : 1);
    added.push(
      { name: `${p}w`, dtype: 'int8', dims: [k, m], data: q },
      { name: `${p}w_scale`, dtype: 'float32', dims: [m], data: scale },
      { name: `${p}w_zero`, dtype: 'int8', dims: [m], data: new Int8Array(m) },
    );
    const out = n.outputs[0];
    const scaledOut = isGemm && n.inputs[2] ? `${p}mm` : out;
    nodes.push(
      node('DynamicQuantizeLinear', [n.inputs[0]], [`${p}a`, `${p}a_scale`, `${p}a_zero`]),
      node('MatMulInteger', [`${p}a`, `${p}w`, `${p}a_zero`, `${p}w_zero`], [`${p}acc`]),
      node('Cast', [`${p}acc`], [`${p}accf`], { to: { i: 1 } }),
      node('Mul', [`${p}a_scale`, `${p}w_scale`], [`${p}scale`]),
      node('Mul', [`${p}accf`, `${p}scale`], [scaledOut]),
    );
    if (scaledOut !== out) {
      const beta = attrFloat(n, 'beta', 1);
      let bias = n.inputs[2];
      if (beta !== 1) {
        added.push({ name: `${p}beta`, dtype: 'float32', dims: [], data: Float32Array.of(beta) });
        nodes.push(node('Mul', [bias, `${p}beta`], [`${p}bias`]));
        bias = `${p}bias`;
      }
      nodes.push(node('Add', [scaledOut, bias], [out]));
    }
    quantized.push(weight.name);
  }
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const initializers = [...g.initializers.filter((t) => used.has(t.name)), ...added];
  return { model: { ...source, graph: { ...g, nodes, initializers } }, quantized };
}
