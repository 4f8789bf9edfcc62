import type { GraphBuilder, T } from '../../model/graph/GraphBuilder';
import type { ConvGeometry } from '../../model/graph/ops';
import {
  add,
  constBool,
  div,
  layerNormalization,
  leakyRelu,
  mul,
  reduceMean,
  scale,
  softmax,
  sub,
  unary,
} from '../../model/graph/ops';
import type { ParamSpec } from '../../model/ir';
import type { EmitContext } from '../../model/layers/emitLayers';
import type { ActivationFn, Pair } from './layerParams';

/** Shape rules and forward-pass pieces shared by several layer kinds. */

export const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

export const pair = (p: Pair | undefined, dflt: number): [number, number] =>
  p === undefined ? [dflt, dflt] : typeof p === 'number' ? [p, p] : [p[0], p[1]];

export const param = (
  name: string,
  shape: number[],
  init: ParamSpec['init'],
  fanIn = 0,
  fanOut = 0,
  limit?: number,
): ParamSpec => ({
  name,
  shape,
  init,
  fanIn,
  fanOut,
  ...(limit !== undefined ? { limit } : {}),
});

/** Explicit ONNX pads (begins, ends) for a 2-D window, `same` following TensorFlow's rule. */
export function windowGeometry(
  inSpatial: readonly number[],
  kernel: [number, number],
  strides: [number, number],
  dilation: [number, number],
  padding: 'valid' | 'same' | number | undefined,
): ConvGeometry {
  let pads = [0, 0, 0, 0];
  if (typeof padding === 'number') pads = [padding, padding, padding, padding];
  else if (padding === 'same') {
    const begin: number[] = [];
    const end: number[] = [];
    inSpatial.forEach((h, i) => {
      const eff = dilation[i] * (kernel[i] - 1) + 1;
      const total = Math.max((Math.ceil(h / strides[i]) - 1) * strides[i] + eff - h, 0);
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
    });
    pads = [...begin, ...end];
  }
  return { kernel, strides, dilations: dilation, pads };
}

export function activation(b: GraphBuilder, x: T, fn: ActivationFn | undefined, alpha?: number): T {
  switch (fn ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return unary(b, 'Relu', x);
    case 'leaky_relu':
      return leakyRelu(b, x, alpha ?? 0.01);
    case 'sigmoid':
      return unary(b, 'Sigmoid', x);
    case 'tanh':
      return unary(b, 'Tanh', x);
    case 'softmax':
      return softmax(b, x, -1);
    case 'gelu': {
      const e = unary(b, 'Erf', scale(b, x, Math.SQRT1_2));
      return mul(b, scale(b, x, 0.5), add(b, e, b.constF(1)));
    }
  }
}

export function dropout(ctx: EmitContext, x: T, rate: number, salt: number): T {
  if (ctx.mode === 'infer' || rate === 0) return x;
  const b = ctx.b;
  const [y] = b.opN(
    'Dropout',
    [x, b.constF(rate), constBool(b, true)],
    [x.shape, x.shape],
    { seed: { i: (ctx.seed * 7919 + salt) % 2147483647 } },
    [x.dtype, 'bool'],
  );
  return y;
}

/**
 * Layer normalisation over the last axis. Float32 training steps use ONNX LayerNormalization (one
 * op, with its own gradient rule); inference graphs and float64 graphs (onnxruntime has no float64
 * kernel for it) spell it out in elementary ops.
 */
export function layerNorm(ctx: EmitContext, x: T, gamma: T, beta: T, eps: number): T {
  const b = ctx.b;
  if (ctx.mode === 'train' && b.float === 'float32') return layerNormalization(b, x, gamma, beta, eps);
  const mean = reduceMean(b, x, [-1], true);
  const xc = sub(b, x, mean);
  const v = reduceMean(b, mul(b, xc, xc), [-1], true);
  const xhat = div(b, xc, unary(b, 'Sqrt', add(b, v, b.constF(eps))));
  return add(b, mul(b, xhat, gamma), beta);
}
