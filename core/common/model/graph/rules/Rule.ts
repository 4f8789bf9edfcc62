import type { NodeData } from '../../onnx/encodeModel';
import type { GraphBuilder, SShape, T } from '../GraphBuilder';
import { reduceSum, reshape } from '../ops';

/** What a gradient rule sees of one recorded op: nothing else about the graph. */
interface RuleArgs {
  /** The builder the backward ops are emitted into (and whose constants a rule may read). */
  b: GraphBuilder;
  node: NodeData;
  ins: readonly T[];
  outs: readonly T[];
  /** Gradient of each output; the first is always present, later ones are undefined where none flows. */
  dys: readonly (T | undefined)[];
}

/**
 * The vector-Jacobian product of one ONNX op: the gradient of each input (undefined for inputs
 * that are not differentiable, such as indices or conditions).
 */
export type Rule = (a: RuleArgs) => (T | undefined)[];

export const intAttr = (n: NodeData, name: string, dflt: number): number => {
  const a = n.attrs?.[name];
  return a && 'i' in a ? a.i : dflt;
};

export const intsAttr = (n: NodeData, name: string): readonly number[] => {
  const a = n.attrs?.[name];
  return a && 'ints' in a ? a.ints : [];
};

export const floatAttr = (n: NodeData, name: string, dflt: number): number => {
  const a = n.attrs?.[name];
  return a && 'f' in a ? a.f : dflt;
};

/** Reads back the int64 values of a constant initializer (axes, starts). */
export function constInts(b: GraphBuilder, t: T): number[] {
  const init = b.initializers.find((i) => i.name === t.name);
  if (!init || !(init.data instanceof BigInt64Array)) throw new Error(`autodiff: ${t.name} is not a constant`);
  return Array.from(init.data, Number);
}

/** Sums a broadcast gradient `g` back down to `shape`. */
export function unbroadcast(b: GraphBuilder, g: T, shape: SShape): T {
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
  }
  const summed = reduceSum(b, g, axes, true);
  return reshape(b, summed, shape);
}

/** Zeros of `x`'s shape and type, sized at run time. */
export const zerosLike = (b: GraphBuilder, x: T): T =>
  b.opNoGrad(
    'ConstantOfShape',
    [b.opNoGrad('Shape', [x], [x.shape.length], {}, 'int64')],
    x.shape,
    {
      value: {
        t: {
          name: 'zero',
          dtype: x.dtype,
          dims: [1],
          data: x.dtype === 'float64' ? new Float64Array(1) : new Float32Array(1),
        },
      },
    },
    x.dtype,
  );
