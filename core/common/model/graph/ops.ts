import type { ElemType } from '../onnx/encodeModel';
import type { GraphBuilder, SDim, SShape, T } from './GraphBuilder';
import { broadcastShapes, formatShape, numel } from './GraphBuilder';

/** Shape-tracking helpers over GraphBuilder, one per ONNX op Weft emits. */

const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

export const binary = (b: GraphBuilder, op: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow', x: T, y: T): T =>
  b.op(op, [x, y], broadcastShapes(x.shape, y.shape));
export const add = (b: GraphBuilder, x: T, y: T): T => binary(b, 'Add', x, y);
export const sub = (b: GraphBuilder, x: T, y: T): T => binary(b, 'Sub', x, y);
export const mul = (b: GraphBuilder, x: T, y: T): T => binary(b, 'Mul', x, y);
export const div = (b: GraphBuilder, x: T, y: T): T => binary(b, 'Div', x, y);
export const scale = (b: GraphBuilder, x: T, s: number): T => (s === 1 ? x : mul(b, x, b.constF(s)));

export type UnaryOp =
  'Relu' | 'Sigmoid' | 'Tanh' | 'Exp' | 'Log' | 'Sqrt' | 'Neg' | 'Erf' | 'Abs' | 'Reciprocal' | 'Identity';
export const unary = (b: GraphBuilder, op: UnaryOp, x: T): T => b.op(op, [x], x.shape);
export const leakyRelu = (b: GraphBuilder, x: T, alpha: number): T =>
  b.op('LeakyRelu', [x], x.shape, { alpha: { f: alpha } });

export function matmul(b: GraphBuilder, x: T, y: T): T {
  const xs = x.shape.length === 1 ? [1, ...x.shape] : x.shape;
  const ys = y.shape.length === 1 ? [...y.shape, 1] : y.shape;
  const k1 = xs[xs.length - 1];
  const k2 = ys[ys.length - 2];
  if (k1 !== k2) throw new Error(`MatMul: inner dimensions differ, ${formatShape(x.shape)} × ${formatShape(y.shape)}`);
  const batch = broadcastShapes(xs.slice(0, -2), ys.slice(0, -2));
  const shape: SDim[] = [...batch];
  if (x.shape.length > 1) shape.push(xs[xs.length - 2]);
  if (y.shape.length > 1) shape.push(ys[ys.length - 1]);
  return b.op('MatMul', [x, y], shape);
}

export function transpose(b: GraphBuilder, x: T, perm: readonly number[]): T {
  return b.op(
    'Transpose',
    [x],
    perm.map((p) => x.shape[p]),
    { perm: { ints: perm } },
  );
}

/** Swaps the last two axes. */
export function transposeLast2(b: GraphBuilder, x: T): T {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return transpose(b, x, perm);
}

/** Reshape to a static shape; at most one dimension may be the symbolic batch. */
export function reshape(b: GraphBuilder, x: T, shape: SShape): T {
  if (shape.length === x.shape.length && shape.every((d, i) => d === x.shape[i])) return x;
  const dims = shape.map((d) => (d === 'batch' ? -1 : d));
  if (dims.filter((d) => d === -1).length > 1) throw new Error('reshape: more than one symbolic dimension');
  return b.op('Reshape', [x, b.constI64(dims)], shape);
}

const reducedShape = (shape: SShape, axes: readonly number[], keepdims: boolean): SDim[] => {
  const set = new Set(axes.map((a) => normAxis(a, shape.length)));
  const out: SDim[] = [];
  shape.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
};

export function reduceSum(b: GraphBuilder, x: T, axes: readonly number[], keepdims = false): T {
  if (axes.length === 0) return x;
  return b.op('ReduceSum', [x, b.constI64(axes)], reducedShape(x.shape, axes, keepdims), {
    keepdims: { i: keepdims ? 1 : 0 },
  });
}

export function reduceMean(b: GraphBuilder, x: T, axes: readonly number[], keepdims = false): T {
  return b.op('ReduceMean', [x], reducedShape(x.shape, axes, keepdims), {
    axes: { ints: axes },
    keepdims: { i: keepdims ? 1 : 0 },
  });
}

/**
 * ONNX LayerNormalization over the last axis (float32 only in onnxruntime); its mean and 1/σ
 * outputs (`[..., 1]`) stay in the graph for the gradient rule.
 */
export function layerNormalization(b: GraphBuilder, x: T, gamma: T, beta: T, eps: number): T {
  const stat = [...x.shape.slice(0, -1), 1];
  return b.opN('LayerNormalization', [x, gamma, beta], [x.shape, stat, stat], {
    axis: { i: -1 },
    epsilon: { f: eps },
  })[0];
}

export const softmax = (b: GraphBuilder, x: T, axis = -1): T => b.op('Softmax', [x], x.shape, { axis: { i: axis } });
export const logSoftmax = (b: GraphBuilder, x: T, axis = -1): T =>
  b.op('LogSoftmax', [x], x.shape, { axis: { i: axis } });

export function concat(b: GraphBuilder, xs: readonly T[], axis: number): T {
  if (xs.length === 1) return xs[0];
  const first = xs[0];
  const a = normAxis(axis, first.shape.length);
  const shape = [...first.shape];
  let total: SDim = 0;
  for (const x of xs) {
    const d = x.shape[a];
    total = total === 'batch' || d === 'batch' ? 'batch' : total + d;
  }
  shape[a] = total;
  return b.op('Concat', xs, shape, { axis: { i: a } });
}

/** Static slice `[start, end)` along each of `axes`. */
export function slice(
  b: GraphBuilder,
  x: T,
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[],
): T {
  const shape = [...x.shape];
  axes.forEach((ax, k) => {
    const a = normAxis(ax, shape.length);
    const d = shape[a];
    const end = typeof d === 'number' ? Math.min(ends[k], d) : ends[k];
    shape[a] = end - starts[k];
  });
  return b.op('Slice', [x, b.constI64(starts), b.constI64(ends), b.constI64(axes)], shape);
}

export function cast(b: GraphBuilder, x: T, to: ElemType): T {
  const code: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };
  if (x.dtype === to) return x;
  return b.opNoGrad('Cast', [x], x.shape, { to: { i: code[to] } }, to);
}

export function where(b: GraphBuilder, cond: T, x: T, y: T): T {
  return b.op('Where', [cond, x, y], broadcastShapes(cond.shape, broadcastShapes(x.shape, y.shape)), {}, x.dtype);
}

export function compare(b: GraphBuilder, op: 'Greater' | 'Less' | 'Equal' | 'GreaterOrEqual', x: T, y: T): T {
  return b.opNoGrad(op, [x, y], broadcastShapes(x.shape, y.shape), {}, 'bool');
}

export const shapeOf = (b: GraphBuilder, x: T): T => b.opNoGrad('Shape', [x], [x.shape.length], {}, 'int64');

export function expand(b: GraphBuilder, x: T, like: T): T {
  return b.op('Expand', [x, shapeOf(b, like)], like.shape);
}

/** Element count of `x` as a float scalar, computed at run time (batch may vary). */
export function countOf(b: GraphBuilder, x: T): T {
  const n = numel(x.shape);
  if (n !== undefined) return b.constF(n);
  return cast(b, b.opNoGrad('Size', [x], [], {}, 'int64'), b.float);
}

export function argMax(b: GraphBuilder, x: T, axis: number): T {
  return b.opNoGrad(
    'ArgMax',
    [x],
    reducedShape(x.shape, [axis], false),
    { axis: { i: axis }, keepdims: { i: 0 } },
    'int64',
  );
}

export function gather(b: GraphBuilder, x: T, indices: T, axis = 0): T {
  const a = normAxis(axis, x.shape.length);
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  return b.op('Gather', [x, indices], shape, { axis: { i: a } }, x.dtype);
}

/** onnxruntime implements OneHot with float32 values only: built in float32, then cast. */
export function oneHot(b: GraphBuilder, indices: T, depth: number, off: number, on: number): T {
  const values = b.initializer('onehot_values', [2], Float32Array.of(off, on), 'float32');
  const y = b.opNoGrad(
    'OneHot',
    [indices, b.constI64([depth]), values],
    [...indices.shape, depth],
    { axis: { i: -1 } },
    'float32',
  );
  return cast(b, y, b.float);
}

export interface ConvGeometry {
  kernel: readonly number[];
  strides: readonly number[];
  dilations: readonly number[];
  /** ONNX order: begins then ends. */
  pads: readonly number[];
}

export function convOutSize(size: number, k: number, s: number, d: number, padTotal: number): number {
  return Math.floor((size + padTotal - d * (k - 1) - 1) / s) + 1;
}

export function spatialOut(inSpatial: readonly SDim[], g: ConvGeometry): number[] {
  const r = g.kernel.length;
  return inSpatial.map((d, i) =>
    convOutSize(d as number, g.kernel[i], g.strides[i], g.dilations[i], g.pads[i] + g.pads[i + r]),
  );
}

export function conv(b: GraphBuilder, x: T, w: T, bias: T | undefined, g: ConvGeometry): T {
  const out = [x.shape[0], w.shape[0], ...spatialOut(x.shape.slice(2), g)];
  return b.op('Conv', bias ? [x, w, bias] : [x, w], out, {
    kernel_shape: { ints: g.kernel },
    strides: { ints: g.strides },
    dilations: { ints: g.dilations },
    pads: { ints: g.pads },
  });
}

export function pool(b: GraphBuilder, op: 'MaxPool' | 'AveragePool', x: T, g: ConvGeometry): T {
  const out = [x.shape[0], x.shape[1], ...spatialOut(x.shape.slice(2), g)];
  const attrs: Record<string, { ints: readonly number[] } | { i: number }> = {
    kernel_shape: { ints: g.kernel },
    strides: { ints: g.strides },
    pads: { ints: g.pads },
  };
  if (op === 'AveragePool') attrs.count_include_pad = { i: 0 };
  return b.op(op, [x], out, attrs);
}

/** Splits along `axis` into pieces of the given sizes. */
export function split(b: GraphBuilder, x: T, sizes: readonly number[], axis: number): T[] {
  const a = normAxis(axis, x.shape.length);
  const shapes = sizes.map((s) => x.shape.map((d, i) => (i === a ? s : d)));
  return b.opN('Split', [x, b.constI64(sizes)], shapes, { axis: { i: a } });
}

/** A boolean scalar constant. */
export const constBool = (b: GraphBuilder, v: boolean): T =>
  b.initializer('flag', [], Uint8Array.of(v ? 1 : 0), 'bool');
