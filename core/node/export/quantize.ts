/**
 * Int8 dynamic quantization, as onnxruntime's `quantize_dynamic` does it with standard operators:
 * each MatMul/Gemm with a constant weight becomes DynamicQuantizeLinear on the activations
 * (uint8, per tensor, at run time), MatMulInteger against int8 weights quantized symmetrically per
 * output column, then a rescale back to float. Convolutions stay float.
 */
import {
  attrFloat,
  attrInt,
  onnx,
  OnnxDataType,
  tensorFloats,
  transpose2d,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './onnxProto';

export interface QuantizeResult {
  model: OnnxModel;
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

export function quantizeDynamic(source: OnnxModel): QuantizeResult {
  const model = structuredClone(source);
  const g: OnnxGraph = model.graph;
  const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
  const added: OnnxTensor[] = [];
  const quantized: string[] = [];
  const nodes: OnnxNode[] = [];
  let count = 0;
  for (const n of g.node) {
    const weight = inits.get(n.input[1] ?? '');
    const isGemm = n.op_type === 'Gemm' && attrInt(n, 'transA', 0) === 0;
    if (
      (n.op_type !== 'MatMul' && !isGemm) ||
      !weight ||
      weight.data_type !== OnnxDataType.FLOAT ||
      weight.dims?.length !== 2
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
      onnx.tensor(`${p}w`, [k, m], q),
      onnx.tensor(`${p}w_scale`, [m], scale),
      onnx.tensor(`${p}w_zero`, [m], new Int8Array(m)),
    );
    const out = n.output[0];
    const scaledOut = isGemm && n.input[2] ? `${p}mm` : out;
    nodes.push(
      onnx.node('DynamicQuantizeLinear', [n.input[0]], [`${p}a`, `${p}a_scale`, `${p}a_zero`]),
      onnx.node('MatMulInteger', [`${p}a`, `${p}w`, `${p}a_zero`, `${p}w_zero`], [`${p}acc`]),
      onnx.node('Cast', [`${p}acc`], [`${p}accf`], [onnx.int('to', OnnxDataType.FLOAT)]),
      onnx.node('Mul', [`${p}a_scale`, `${p}w_scale`], [`${p}scale`]),
      onnx.node('Mul', [`${p}accf`, `${p}scale`], [scaledOut]),
    );
    if (scaledOut !== out) {
      const beta = attrFloat(n, 'beta', 1);
      let bias = n.input[2];
      if (beta !== 1) {
        added.push(onnx.tensor(`${p}beta`, [], Float32Array.of(beta)));
        nodes.push(onnx.node('Mul', [bias, `${p}beta`], [`${p}bias`]));
        bias = `${p}bias`;
      }
      nodes.push(onnx.node('Add', [scaledOut, bias], [out]));
    }
    quantized.push(weight.name ?? '');
  }
  const used = new Set(nodes.flatMap((n) => n.input));
  g.node = nodes;
  g.initializer = [...(g.initializer ?? []).filter((t) => used.has(t.name ?? '')), ...added];
  return { model, quantized };
}
