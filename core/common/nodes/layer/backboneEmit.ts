import { gradientRules } from '../../model/graph/rules/gradientRules';
import type { GraphBuilder, SDim, T } from '../../model/graph/GraphBuilder';
import { add, matmul, mul, reshape, transposeLast2 } from '../../model/graph/ops';
import type { ParamSpec } from '../../model/ir';
import type { Backbone } from '../../model/onnx/backbone';
import type { DataType, NodeData, TensorData } from '../../model/onnx/encodeModel';
import { param } from './layerOps';

/** Ops that are emitted as other ops when they need a gradient (each lowering is exact). */
const LOWERED: Readonly<Record<string, readonly string[]>> = {
  Gemm: ['MatMul', 'Transpose', 'Mul', 'Add'],
  Flatten: ['Reshape'],
};

const isFloatType = (d: DataType): boolean => d === 'float32' || d === 'float64';

/** The initialisers read by the ops that `tensor` depends on, its own producer included. */
function initsBefore(bb: Backbone, tensor: string): Set<string> {
  const producer = new Map<string, NodeData>();
  for (const n of bb.nodes) for (const o of n.outputs) producer.set(o, n);
  const found = new Set<string>();
  const seen = new Set<string>();
  const stack = [tensor];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const n = producer.get(t);
    if (!n) found.add(t);
    else for (const i of n.inputs) if (i) stack.push(i);
  }
  return found;
}

/**
 * The backbone initialisers that fine-tuning trains: the float ones, except those read by the ops
 * up to and including the one that makes `freeze` (when given).
 */
export function trainableInits(bb: Backbone, freeze?: string): TensorData[] {
  const fixed = freeze ? initsBefore(bb, freeze) : new Set<string>();
  return bb.initializers.filter((t) => t.dtype === 'float32' && t.data instanceof Float32Array && !fixed.has(t.name));
}

/** One parameter per trainable initialiser, named `${id}/${initializer}`, starting from its values. */
export function backboneParams(id: string, bb: Backbone, freeze?: string): ParamSpec[] {
  return trainableInits(bb, freeze).map((t) => ({
    ...param(`${id}/${t.name}`, [...t.dims], 'given'),
    values: t.data as Float32Array,
  }));
}

function attrNum(n: NodeData, key: string, dflt: number): number {
  const a = n.attrs?.[key];
  return a && 'i' in a ? a.i : a && 'f' in a ? a.f : dflt;
}

/** Why the autodiff's rule for `n` does not cover it (an attribute its rule does not implement). */
function unsupportedForm(n: NodeData): string | undefined {
  if (n.opType === 'Conv' && attrNum(n, 'group', 1) !== 1) return 'a grouped Conv';
  if ((n.opType === 'MaxPool' || n.opType === 'AveragePool') && attrNum(n, 'ceil_mode', 0))
    return `${n.opType} with ceil_mode`;
  if (n.opType === 'AveragePool' && attrNum(n, 'count_include_pad', 0)) return 'AveragePool with count_include_pad';
  if (n.opType === 'MaxPool' && n.outputs.length > 1 && n.outputs[1]) return 'MaxPool with an Indices output';
  return undefined;
}

/**
 * The first op on a path from a trained initialiser to the cut that the autodiff cannot
 * differentiate (no rule, or a form its rule does not cover), or undefined when there is none.
 */
export function opWithoutRule(bb: Backbone, freeze?: string): { node: NodeData; why: string } | undefined {
  const tainted = new Set(trainableInits(bb, freeze).map((t) => t.name));
  for (const n of bb.nodes) {
    if (!n.inputs.some((i) => tainted.has(i))) continue;
    const ops = LOWERED[n.opType] ?? [n.opType];
    if (ops.some((o) => !(o in gradientRules))) return { node: n, why: `${n.opType} has no gradient rule` };
    const form = unsupportedForm(n);
    if (form) return { node: n, why: `the gradient rule does not cover ${form}` };
    for (const o of n.outputs) if (isFloatType(bb.dtypes[o] ?? 'float32')) tainted.add(o);
  }
  return undefined;
}

const ints = (n: NodeData, key: string): number[] | undefined => {
  const a = n.attrs?.[key];
  return a && 'ints' in a ? [...a.ints] : undefined;
};

/**
 * Conv and pooling attributes with every default written out and `auto_pad` turned into pads
 * (the form the gradient rules read).
 */
function explicitGeometry(n: NodeData, ins: readonly T[], out: readonly SDim[]): NodeData['attrs'] {
  const kernel = n.opType === 'Conv' ? (ins[1].shape.slice(2) as number[]) : (ints(n, 'kernel_shape') ?? []);
  const r = kernel.length;
  const strides = ints(n, 'strides') ?? kernel.map(() => 1);
  const dil = ints(n, 'dilations') ?? kernel.map(() => 1);
  const auto = n.attrs?.auto_pad;
  const mode = auto && 's' in auto ? auto.s : 'NOTSET';
  let pads = ints(n, 'pads') ?? new Array<number>(2 * r).fill(0);
  if (mode === 'VALID') pads = new Array<number>(2 * r).fill(0);
  else if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') {
    const total = kernel.map((k, i) => {
      const inSize = ins[0].shape[i + 2] as number;
      const outSize = out[i + 2] as number;
      return Math.max(0, (outSize - 1) * strides[i] + dil[i] * (k - 1) + 1 - inSize);
    });
    const begin = total.map((t) => (mode === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    pads = [...begin, ...total.map((t, i) => t - begin[i])];
  }
  const { auto_pad: _auto, ...rest } = n.attrs ?? {};
  return {
    ...rest,
    kernel_shape: { ints: kernel },
    strides: { ints: strides },
    pads: { ints: pads },
    ...(n.opType === 'AveragePool' ? {} : { dilations: { ints: dil } }),
  };
}

const GEOMETRY = new Set(['Conv', 'MaxPool', 'AveragePool']);

/** Gemm as MatMul, Transpose, Mul and Add: alpha·A'·B' + beta·C. */
function lowerGemm(b: GraphBuilder, n: NodeData, ins: readonly T[]): T {
  const [a, w, c] = ins;
  let y = matmul(
    b,
    attrNum(n, 'transA', 0) ? transposeLast2(b, a) : a,
    attrNum(n, 'transB', 0) ? transposeLast2(b, w) : w,
  );
  const alpha = attrNum(n, 'alpha', 1);
  const beta = attrNum(n, 'beta', 1);
  if (alpha !== 1) y = mul(b, y, b.constF(alpha));
  if (c && c.name) y = add(b, y, beta !== 1 ? mul(b, c, b.constF(beta)) : c);
  return y;
}

const EMPTY: T = { name: '', shape: [], dtype: 'float32' };

/**
 * Emits a backbone's ops on `x` and returns the cut tensor. Its initialisers are constants, or,
 * with `param`, the float ones after `freeze` are the model's parameters (fine-tuning); ops on a gradient path
 * that have no rule of their own are emitted in lowered form.
 */
export function emitBackbone(
  b: GraphBuilder,
  id: string,
  bb: Backbone,
  x: T,
  param: ((name: string) => T) | undefined,
  freeze?: string,
): T {
  const values = new Map<string, T>([[bb.inputName, x]]);
  const trained = new Set(param ? trainableInits(bb, freeze).map((t) => t.name) : []);
  const widen = b.float === 'float64';
  const floatOf = (d: DataType): DataType => (widen && d === 'float32' ? 'float64' : d);
  for (const t of bb.initializers) {
    if (trained.has(t.name)) values.set(t.name, param!(`${id}/${t.name}`));
    else {
      const data = widen && t.dtype === 'float32' ? Float64Array.from(t.data as Float32Array) : t.data;
      values.set(t.name, b.initializer(`${id}/${t.name}`, t.dims, data, floatOf(t.dtype)));
    }
  }
  for (const n of bb.nodes) {
    const ins = n.inputs.map((i) => (i ? values.get(i)! : EMPTY));
    const graded = ins.some((t) => b.needsGrad.has(t.name));
    if (graded && n.opType === 'Gemm') {
      values.set(n.outputs[0], lowerGemm(b, n, ins));
      continue;
    }
    if (graded && n.opType === 'Flatten') {
      values.set(n.outputs[0], reshape(b, ins[0], bb.shapes[n.outputs[0]]));
      continue;
    }
    const shapes: SDim[][] = n.outputs.map((o) => bb.shapes[o] ?? []);
    const dtypes = n.outputs.map((o) => floatOf(bb.dtypes[o] ?? 'float32'));
    const attrs = GEOMETRY.has(n.opType) ? explicitGeometry(n, ins, shapes[0]) : n.attrs;
    const outs = b.opN(n.opType, ins, shapes, attrs, dtypes);
    n.outputs.forEach((o, k) => o && values.set(o, outs[k]));
  }
  return values.get(bb.cut)!;
}
