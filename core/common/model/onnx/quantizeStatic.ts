/**
 * Static int8 quantization in QDQ form, as onnxruntime's `quantize_static` writes it with standard
 * operators: every Conv, Gemm and MatMul with a constant float weight reads its weight through
 * DequantizeLinear from int8 values (symmetric, one scale per output channel), its bias from int32
 * (scale = input scale × weight scale) and its activation input through a QuantizeLinear /
 * DequantizeLinear pair whose scale and zero point come from ranges calibrated beforehand. Layout
 * ops between two quantized layers (MaxPool, Reshape, Flatten...) read and write the same
 * quantization, so a runtime can run them on the int8 values. A runtime that fuses the pairs runs
 * integer kernels; any other computes the same numbers in float. Scales are fixed, so a row's
 * result does not depend on which rows share its batch.
 */
import { attrFloat, attrInt, tensorFloats } from './attrs';
import type { AttrValue, ModelData, NodeData, TensorData } from './encodeModel';

/** Calibrated float range of one activation tensor, and its rank as seen while calibrating. */
export interface TensorRange {
  min: number;
  max: number;
  rank?: number;
}

/** Element type of quantized activations (weights are always int8). */
export type ActivationType = 'uint8' | 'int8';

/** One tensor's affine quantization: `real = (q − zeroPoint) × scale`. */
export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

export interface StaticQuantizeOptions {
  /** @default 'uint8' */
  activations?: ActivationType;
}

export interface StaticQuantizeResult {
  model: ModelData;
  /** Weight initializers stored as int8. */
  weights: string[];
  /** Activation tensors given a QuantizeLinear / DequantizeLinear pair. */
  activations: string[];
}

const BOUNDS: Record<ActivationType, [number, number]> = { uint8: [0, 255], int8: [-128, 127] };
const FLOAT32_TINY = 1.1754943508222875e-38;
/** Ops whose output holds values of their first input only, so it keeps that input's quantization. */
const PASS_THROUGH = new Set(['MaxPool', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze']);

/** Rounds half to even, as QuantizeLinear and numpy do. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Asymmetric per-tensor parameters for a calibrated range, widened to contain 0 (onnxruntime's rule). */
export function activationParams(range: TensorRange, type: ActivationType): QuantParams {
  const [qmin, qmax] = BOUNDS[type];
  const rmin = Math.min(range.min, 0);
  const rmax = Math.max(range.max, 0);
  const scale = Math.fround((rmax - rmin) / (qmax - qmin));
  if (!(scale >= FLOAT32_TINY)) return { scale: 1, zeroPoint: 0 };
  return { scale, zeroPoint: Math.max(qmin, Math.min(qmax, roundHalfEven(qmin - rmin / scale))) };
}

/**
 * Symmetric int8 weights with one scale per slice along `axis`: scale = max |w| / 127 (1 for an
 * all-zero slice), q = round(w / scale) in [−127, 127], zero point 0.
 */
export function quantizeWeightChannels(
  w: Float32Array,
  dims: readonly number[],
  axis: number,
): { q: Int8Array; scale: Float32Array } {
  const channels = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => Math.floor(i / inner) % channels;
  const max = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) max[channelOf(i)] = Math.max(max[channelOf(i)], Math.abs(w[i]));
  const scale = Float32Array.from(max, (m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, roundHalfEven(w[i] / scale[channelOf(i)])));
  return { q, scale };
}

interface Graph {
  inits: Map<string, TensorData>;
  consumers: Map<string, number[]>;
  producer: Map<string, number>;
  outputs: Set<string>;
}

function indexGraph(model: ModelData, nodes: readonly NodeData[]): Graph {
  const consumers = new Map<string, number[]>();
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const t of n.inputs) if (t) consumers.set(t, [...(consumers.get(t) ?? []), i]);
    for (const t of n.outputs) producer.set(t, i);
  });
  return {
    inits: new Map(model.graph.initializers.map((t) => [t.name, t])),
    consumers,
    producer,
    outputs: new Set(model.graph.outputs.map((o) => o.name)),
  };
}

const floatInit = (g: Graph, name: string | undefined, rank?: number): TensorData | undefined => {
  const t = name ? g.inits.get(name) : undefined;
  return t && t.dtype === 'float32' && !t.proto && (rank === undefined || t.dims.length === rank) ? t : undefined;
};

/** The per-channel axis of a weight op's weight, or undefined when the op is not quantized. */
function weightAxis(n: NodeData, g: Graph): number | undefined {
  if (n.domain || g.inits.has(n.inputs[0] ?? '')) return undefined;
  if (n.opType === 'Conv') return (floatInit(g, n.inputs[1])?.dims.length ?? 0) >= 3 ? 0 : undefined;
  if (n.opType === 'MatMul') return floatInit(g, n.inputs[1], 2) ? 1 : undefined;
  if (n.opType === 'Gemm' && attrInt(n, 'transA', 0) === 0 && floatInit(g, n.inputs[1], 2))
    return attrInt(n, 'transB', 0) === 1 ? 0 : 1;
  return undefined;
}

/** Activation tensors that get a QDQ pair: each weight op's input, and back through layout ops. */
function quantizedActivations(
  nodes: readonly NodeData[],
  g: Graph,
): { tensors: string[]; source: Map<string, string> } {
  const source = new Map<string, string>();
  const todo = nodes.filter((n) => weightAxis(n, g) !== undefined).map((n) => n.inputs[0]);
  const seen = new Set<string>();
  while (todo.length) {
    const t = todo.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const p = g.producer.get(t);
    const from = p === undefined ? undefined : nodes[p];
    if (
      from &&
      PASS_THROUGH.has(from.opType) &&
      !from.domain &&
      from.outputs.length === 1 &&
      !g.inits.has(from.inputs[0])
    ) {
      source.set(t, from.inputs[0]);
      todo.push(from.inputs[0]);
    }
  }
  return { tensors: [...seen], source };
}

/**
 * The activation tensors whose range calibration must measure (by exposing them as outputs of the
 * float model), in graph order.
 */
export function calibrationTensors(model: ModelData): string[] {
  const g = indexGraph(model, model.graph.nodes);
  const { tensors } = quantizedActivations(model.graph.nodes, g);
  const order = [...model.graph.inputs.map((i) => i.name), ...model.graph.nodes.flatMap((n) => n.outputs)];
  return tensors.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/**
 * MatMul(x, W) + Add(·, b) with a rank-2 x (as calibrated) becomes one Gemm, the op a runtime runs
 * as an int8 GEMM with an int32 bias.
 */
function fuseDense(model: ModelData, ranges: Readonly<Record<string, TensorRange>>): NodeData[] {
  const nodes = [...model.graph.nodes];
  const g = indexGraph(model, nodes);
  const drop = new Set<number>();
  nodes.forEach((n, i) => {
    if (n.opType !== 'MatMul' || n.domain || weightAxis(n, g) === undefined || ranges[n.inputs[0]]?.rank !== 2) return;
    const out = n.outputs[0];
    const readers = g.consumers.get(out) ?? [];
    const add = readers.length === 1 && !g.outputs.has(out) ? nodes[readers[0]] : undefined;
    const cols = floatInit(g, n.inputs[1])!.dims[1];
    const bias = add?.opType === 'Add' && !add.domain ? add.inputs.find((t) => t !== out) : undefined;
    const b = floatInit(g, bias, 1);
    if (add && b && b.dims[0] === cols && add.inputs.includes(out)) {
      nodes[i] = {
        opType: 'Gemm',
        inputs: [n.inputs[0], n.inputs[1], b.name],
        outputs: add.outputs,
        name: n.name ?? out,
      };
      drop.add(readers[0]);
    } else {
      nodes[i] = { opType: 'Gemm', inputs: [n.inputs[0], n.inputs[1]], outputs: n.outputs, name: n.name ?? out };
    }
  });
  return nodes.filter((_, i) => !drop.has(i));
}

function scalarOf(type: ActivationType, name: string, v: number): TensorData {
  return { name, dtype: type, dims: [], data: type === 'uint8' ? Uint8Array.of(v) : Int8Array.of(v) };
}

/**
 * Rewrites a float model into QDQ form. `ranges` holds a calibrated range for every tensor of
 * `calibrationTensors(model)`; layout-op outputs reuse their input's.
 */
export function quantizeStatic(
  model: ModelData,
  ranges: Readonly<Record<string, TensorRange>>,
  opts: StaticQuantizeOptions = {},
): StaticQuantizeResult {
  const type = opts.activations ?? 'uint8';
  const opset = model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 13)
    throw new Error(
      `static quantization needs opset 13 or later (per-channel DequantizeLinear); the model has ${opset}`,
    );
  const nodes = fuseDense(model, ranges);
  const g = indexGraph(model, nodes);
  const { tensors, source } = quantizedActivations(nodes, g);
  const rootOf = (t: string): string => (source.has(t) ? rootOf(source.get(t)!) : t);
  const params = new Map<string, QuantParams>();
  for (const t of tensors) {
    const root = rootOf(t);
    const r = ranges[root];
    if (!r) throw new Error(`no calibrated range for tensor ${root}`);
    if (!Number.isFinite(r.min) || !Number.isFinite(r.max))
      throw new Error(`tensor ${root} has a non-finite calibrated range [${r.min}, ${r.max}]`);
    params.set(t, activationParams(r, type));
  }
  const added: TensorData[] = [];
  const out: NodeData[] = [];
  // Short names: in a small model the names of the added tensors weigh more than its weights.
  const taken = new Set([
    ...model.graph.initializers.map((t) => t.name),
    ...model.graph.inputs.map((t) => t.name),
    ...model.graph.nodes.flatMap((n) => [...n.inputs, ...n.outputs, n.name ?? '']),
  ]);
  const fresh = (base: string): string => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}${k}`;
    taken.add(name);
    return name;
  };
  const node = (opType: string, inputs: string[], output: string, attrs?: Record<string, AttrValue>): NodeData => ({
    opType,
    inputs,
    outputs: [output],
    name: fresh(`q${out.length}`),
    ...(attrs ? { attrs } : {}),
  });
  /** An int8/int32 tensor's quantized initializer, scale and zero point, and its DequantizeLinear output. */
  const dequantized = (
    base: string,
    q: TensorData['data'],
    scale: Float32Array,
    dims: readonly number[],
    axis?: number,
  ): string => {
    const [qn, sn, zn, dqn] = [fresh(`${base}_q`), fresh(`${base}_s`), fresh(`${base}_z`), fresh(`${base}_dq`)];
    const dtype = q instanceof Int32Array ? 'int32' : 'int8';
    const zero = dtype === 'int32' ? new Int32Array(scale.length) : new Int8Array(scale.length);
    added.push(
      { name: qn, dtype, dims, data: q },
      { name: sn, dtype: 'float32', dims: [scale.length], data: scale },
      { name: zn, dtype, dims: [scale.length], data: zero },
    );
    out.push(node('DequantizeLinear', [qn, sn, zn], dqn, axis === undefined ? undefined : { axis: { i: axis } }));
    return dqn;
  };
  const dqOf = new Map<string, string>();
  const dq = (t: string): string => dqOf.get(t)!;
  const qdq = (t: string): void => {
    const p = params.get(t);
    if (!p) return;
    const [s, z, q] = [fresh(`${t}_s`), fresh(`${t}_z`), fresh(`${t}_q`)];
    added.push({ name: s, dtype: 'float32', dims: [], data: Float32Array.of(p.scale) }, scalarOf(type, z, p.zeroPoint));
    dqOf.set(t, fresh(`${t}_dq`));
    out.push(node('QuantizeLinear', [t, s, z], q));
    out.push(node('DequantizeLinear', [q, s, z], dq(t)));
  };
  const weightDq = new Map<string, { output: string; scale: Float32Array }>();
  const weights: string[] = [];
  const quantizeWeight = (n: NodeData, axis: number): { output: string; scale: Float32Array } => {
    const w = floatInit(g, n.inputs[1])!;
    const alpha = n.opType === 'Gemm' ? attrFloat(n, 'alpha', 1) : 1;
    const key = alpha === 1 ? w.name : `${w.name}_alpha_${alpha}`;
    const known = weightDq.get(key);
    if (known) return known;
    const values = alpha === 1 ? tensorFloats(w) : tensorFloats(w).map((v) => v * alpha);
    const { q, scale } = quantizeWeightChannels(values, w.dims, axis);
    weightDq.set(key, { output: dequantized(w.name, q, scale, w.dims, axis), scale });
    weights.push(w.name);
    return weightDq.get(key)!;
  };
  const quantizeBias = (n: NodeData, wScale: Float32Array): string | undefined => {
    const b = floatInit(g, n.inputs[2], 1);
    if (!b || b.dims[0] !== wScale.length) return n.inputs[2];
    const beta = n.opType === 'Gemm' ? attrFloat(n, 'beta', 1) : 1;
    const xScale = params.get(n.inputs[0])!.scale;
    const scale = wScale.map((s) => Math.fround(xScale * s));
    const values = tensorFloats(b);
    const q = Int32Array.from(values, (v, i) =>
      Math.max(-2147483648, Math.min(2147483647, roundHalfEven((v * beta) / scale[i]))),
    );
    return dequantized(b.name, q, scale, b.dims, 0);
  };
  for (const i of model.graph.inputs) qdq(i.name);
  for (const n of nodes) {
    const axis = weightAxis(n, g);
    let inputs = [...n.inputs];
    let attrs = n.attrs;
    if (axis !== undefined) {
      const w = quantizeWeight(n, axis);
      const bias = inputs[2] ? quantizeBias(n, w.scale) : undefined;
      inputs = [dq(inputs[0]), w.output, ...(bias ? [bias] : [])];
      if (n.opType === 'Gemm')
        attrs = { ...n.attrs, alpha: { f: 1 }, ...(bias !== n.inputs[2] ? { beta: { f: 1 } } : {}) };
    } else if (PASS_THROUGH.has(n.opType) && params.has(n.outputs[0]) && source.get(n.outputs[0]) === inputs[0]) {
      inputs[0] = dq(inputs[0]);
    }
    out.push({ ...n, inputs, ...(attrs ? { attrs } : {}) });
    for (const t of n.outputs) qdq(t);
  }
  const used = new Set(out.flatMap((n) => n.inputs));
  const initializers = [
    ...model.graph.initializers.filter((t) => used.has(t.name)),
    ...added.filter((t) => used.has(t.name)),
  ];
  return {
    model: { ...model, graph: { ...model.graph, nodes: out, initializers } },
    weights,
    activations: tensors.filter((t) => params.has(t)),
  };
}
