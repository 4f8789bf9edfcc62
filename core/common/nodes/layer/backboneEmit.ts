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

/** The backbone initialisers that fine-tuning trains: the float ones. */
export const trainableInits = (bb: Backbone): TensorData[] =>
  bb.initializers.filter((t) => t.dtype === 'float32' && t.data instanceof Float32Array);

/** One parameter per trainable initialiser, named `${id}/${initializer}`, starting from its values. */
export function backboneParams(id: string, bb: Backbone): ParamSpec[] {
  return trainableInits(bb).map((t) => ({
    ...param(`${id}/${t.name}`, [...t.dims], 'given'),
    values: t.data as Float32Array,
  }));
}

/**
 * The first op on a path from a trained initialiser to the cut that the autodiff has no rule for,
 * or undefined when every such op can be differentiated.
 */
export function opWithoutRule(bb: Backbone): NodeData | undefined {
  const tainted = new Set(trainableInits(bb).map((t) => t.name));
  for (const n of bb.nodes) {
    if (!n.inputs.some((i) => tainted.has(i))) continue;
    const ops = LOWERED[n.opType] ?? [n.opType];
    if (ops.some((o) => !(o in gradientRules))) return n;
    for (const o of n.outputs) if (isFloatType(bb.dtypes[o] ?? 'float32')) tainted.add(o);
  }
  return undefined;
}

function attrNum(n: NodeData, key: string, dflt: number): number {
  const a = n.attrs?.[key];
  return a && 'i' in a ? a.i : a && 'f' in a ? a.f : dflt;
}

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
 * with `param`, the float ones are the model's parameters (fine-tuning); ops on a gradient path
 * that have no rule of their own are emitted in lowered form.
 */
export function emitBackbone(
  b: GraphBuilder,
  id: string,
  bb: Backbone,
  x: T,
  param: ((name: string) => T) | undefined,
): T {
  const values = new Map<string, T>([[bb.inputName, x]]);
  const trained = new Set(param ? trainableInits(bb).map((t) => t.name) : []);
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
    const outs = b.opN(n.opType, ins, shapes, n.attrs, dtypes);
    n.outputs.forEach((o, k) => o && values.set(o, outs[k]));
  }
  return values.get(bb.cut)!;
}
