import type { GraphBuilder, SDim, T } from '../graph/GraphBuilder';
import {
  add,
  cast,
  concat,
  conv,
  constBool,
  countOf,
  div,
  gather,
  leakyRelu,
  matmul,
  mul,
  pool,
  reduceMean,
  reshape,
  scale,
  slice,
  softmax,
  split,
  sub,
  transpose,
  unary,
} from '../graph/ops';
import type { ActivationFn, LayerSpec, ResolvedModel, ResolvedNode } from '../ir';
import { MODEL_INPUT } from '../ir';
import { convGeometry, poolGeometry } from './layerShapes';

/** What the forward emitter needs from the graph it is building into. */
export interface EmitContext {
  b: GraphBuilder;
  /** `train` applies dropout and batch statistics; `infer` uses running statistics. */
  mode: 'train' | 'infer';
  param(name: string): T;
  buffer(name: string): T;
  /** Train mode: the updated value of a buffer (BatchNorm running stats). */
  setBuffer(name: string, value: T): void;
  /** Seed of the Dropout ops (each op gets its own, derived from it). */
  seed: number;
}

const withBatch = (shape: readonly number[]): SDim[] => ['batch', ...shape];

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

function dropout(ctx: EmitContext, x: T, rate: number, salt: number): T {
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

function layerNorm(ctx: EmitContext, x: T, gamma: T, beta: T, eps: number): T {
  const b = ctx.b;
  const mean = reduceMean(b, x, [-1], true);
  const xc = sub(b, x, mean);
  const v = reduceMean(b, mul(b, xc, xc), [-1], true);
  const xhat = div(b, xc, unary(b, 'Sqrt', add(b, v, b.constF(eps))));
  return add(b, mul(b, xhat, gamma), beta);
}

function batchNorm(ctx: EmitContext, node: ResolvedNode, x: T, layer: Extract<LayerSpec, { kind: 'batchnorm' }>): T {
  const b = ctx.b;
  const c = node.inShapes[0][0];
  const bshape = [1, c, ...x.shape.slice(2).map(() => 1)];
  const gamma = reshape(b, ctx.param(`${node.id}/gamma`), bshape);
  const beta = reshape(b, ctx.param(`${node.id}/beta`), bshape);
  const eps = layer.epsilon ?? 1e-3;
  const mmName = `${node.id}/moving_mean`;
  const mvName = `${node.id}/moving_variance`;
  if (ctx.mode === 'infer') {
    const mean = reshape(b, ctx.buffer(mmName), bshape);
    const v = reshape(b, ctx.buffer(mvName), bshape);
    return add(b, mul(b, div(b, sub(b, x, mean), unary(b, 'Sqrt', add(b, v, b.constF(eps)))), gamma), beta);
  }
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const mean = reduceMean(b, x, axes, true);
  const xc = sub(b, x, mean);
  const v = reduceMean(b, mul(b, xc, xc), axes, true);
  const y = add(b, mul(b, div(b, xc, unary(b, 'Sqrt', add(b, v, b.constF(eps)))), gamma), beta);
  // Running statistics (Keras/PyTorch): moving = m·moving + (1−m)·batch, with the unbiased variance.
  const m = layer.momentum ?? 0.99;
  const n = div(b, countOf(b, x), b.constF(c));
  const unbiased = mul(b, reshape(b, v, [c]), div(b, n, sub(b, n, b.constF(1))));
  const upd = (name: string, batch: T): void =>
    ctx.setBuffer(name, add(b, scale(b, ctx.buffer(name), m), scale(b, batch, 1 - m)));
  upd(mmName, reshape(b, mean, [c]));
  upd(mvName, unbiased);
  return y;
}

function selfAttention(ctx: EmitContext, x: T, prefix: string, heads: number, keyDim: number): T {
  const b = ctx.b;
  const s = x.shape[1] as number;
  const proj = (role: string): T => {
    const y = add(b, matmul(b, x, ctx.param(`${prefix}/${role}`)), ctx.param(`${prefix}/${role}_bias`));
    return transpose(b, reshape(b, y, ['batch', s, heads, keyDim]), [0, 2, 1, 3]);
  };
  const q = proj('query');
  const k = proj('key');
  const v = proj('value');
  const scores = scale(b, matmul(b, q, transpose(b, k, [0, 1, 3, 2])), 1 / Math.sqrt(keyDim));
  const att = softmax(b, scores, -1);
  const ctxv = reshape(b, transpose(b, matmul(b, att, v), [0, 2, 1, 3]), ['batch', s, heads * keyDim]);
  return add(b, matmul(b, ctxv, ctx.param(`${prefix}/out`)), ctx.param(`${prefix}/out_bias`));
}

function recurrent(ctx: EmitContext, node: ResolvedNode, x: T, layer: Extract<LayerSpec, { kind: 'lstm' | 'gru' }>): T {
  const b = ctx.b;
  const [steps] = node.inShapes[0] as [number, number];
  const u = layer.units;
  const lstm = layer.kind === 'lstm';
  const g = lstm ? 4 : 3;
  const kernel = ctx.param(`${node.id}/kernel`);
  const rec = ctx.param(`${node.id}/recurrent_kernel`);
  const bias = ctx.param(`${node.id}/bias`);
  const xw = add(b, matmul(b, x, kernel), bias);
  // GRU (Keras reset_after=false, as tfjs): the reset gate scales h before its recurrent product.
  const recZR = lstm ? undefined : slice(b, rec, [0], [2 * u], [1]);
  const recH = lstm ? undefined : slice(b, rec, [2 * u], [3 * u], [1]);
  let h: T | undefined;
  let c: T | undefined;
  const hs: T[] = [];
  for (let t = 0; t < steps; t++) {
    const xt = reshape(b, slice(b, xw, [t], [t + 1], [1]), ['batch', g * u]);
    if (lstm) {
      const z = h ? add(b, xt, matmul(b, h, rec)) : xt;
      const [zi, zf, zc, zo] = split(b, z, [u, u, u, u], 1) as [T, T, T, T];
      const i = unary(b, 'Sigmoid', zi);
      const cand = unary(b, 'Tanh', zc);
      c = c ? add(b, mul(b, unary(b, 'Sigmoid', zf), c), mul(b, i, cand)) : mul(b, i, cand);
      h = mul(b, unary(b, 'Sigmoid', zo), unary(b, 'Tanh', c));
    } else {
      const [xz, xr, xh] = split(b, xt, [u, u, u], 1) as [T, T, T];
      let zIn = xz;
      let hIn = xh;
      if (h) {
        const [hz, hr] = split(b, matmul(b, h, recZR!), [u, u], 1) as [T, T];
        zIn = add(b, xz, hz);
        const r = unary(b, 'Sigmoid', add(b, xr, hr));
        hIn = add(b, xh, matmul(b, mul(b, r, h), recH!));
      }
      const z = unary(b, 'Sigmoid', zIn);
      const fresh = mul(b, sub(b, b.constF(1), z), unary(b, 'Tanh', hIn));
      h = h ? add(b, mul(b, z, h), fresh) : fresh;
    }
    if (layer.returnSequences) hs.push(reshape(b, h, ['batch', 1, u]));
  }
  return layer.returnSequences ? concat(b, hs, 1) : h!;
}

function emitNode(ctx: EmitContext, node: ResolvedNode, xs: T[], index: number): T {
  const b = ctx.b;
  const layer = node.layer;
  const x = xs[0];
  const p = (role: string): T => ctx.param(`${node.id}/${role}`);
  const hasBias = node.params.some((q) => q.name === `${node.id}/bias`);
  switch (layer.kind) {
    case 'dense': {
      const y = matmul(b, x, p('kernel'));
      return activation(b, hasBias ? add(b, y, p('bias')) : y, layer.activation);
    }
    case 'conv2d': {
      const y = conv(b, x, p('kernel'), hasBias ? p('bias') : undefined, convGeometry(layer, node.inShapes[0]));
      return activation(b, y, layer.activation);
    }
    case 'maxpool2d':
    case 'avgpool2d':
      return pool(b, layer.kind === 'maxpool2d' ? 'MaxPool' : 'AveragePool', x, poolGeometry(layer, node.inShapes[0]));
    case 'globalavgpool':
      return reduceMean(b, x, x.shape.map((_, i) => i).slice(2), false);
    case 'flatten':
    case 'reshape':
      return reshape(b, x, withBatch(node.outShape));
    case 'dropout':
      return dropout(ctx, x, layer.rate, index);
    case 'activation':
      return activation(b, x, layer.fn, layer.alpha);
    case 'batchnorm':
      return batchNorm(ctx, node, x, layer);
    case 'layernorm':
      return layerNorm(ctx, x, p('gamma'), p('beta'), layer.epsilon ?? 1e-5);
    case 'add':
      return add(b, x, xs[1]);
    case 'concat': {
      const axis = layer.axis ?? -1;
      return concat(b, xs, axis < 0 ? axis + x.shape.length : axis + 1);
    }
    case 'embedding':
      return gather(b, p('embeddings'), cast(b, x, 'int64'), 0);
    case 'lstm':
    case 'gru':
      return recurrent(ctx, node, x, layer);
    case 'attention': {
      const d = node.inShapes[0][1];
      return selfAttention(ctx, x, node.id, layer.heads, layer.keyDim ?? d / layer.heads);
    }
    case 'transformer': {
      const d = node.inShapes[0][1];
      const id = node.id;
      const a = dropout(
        ctx,
        selfAttention(ctx, x, `${id}/attn`, layer.heads, d / layer.heads),
        layer.dropout ?? 0,
        index * 2,
      );
      const x1 = layerNorm(ctx, add(b, x, a), p('ln1/gamma'), p('ln1/beta'), 1e-5);
      const hdn = activation(b, add(b, matmul(b, x1, p('ff1/kernel')), p('ff1/bias')), 'gelu');
      const f = dropout(ctx, add(b, matmul(b, hdn, p('ff2/kernel')), p('ff2/bias')), layer.dropout ?? 0, index * 2 + 1);
      return layerNorm(ctx, add(b, x1, f), p('ln2/gamma'), p('ln2/beta'), 1e-5);
    }
  }
}

/**
 * Emits the whole model's forward pass on `input` (`[batch, ...inputShape]`) and returns the output
 * node's tensor. `strip` drops that activation from the output layer (the loss applies it itself).
 */
export function emitModel(ctx: EmitContext, model: ResolvedModel, input: T, strip?: ActivationFn): T {
  const values = new Map<string, T>([[MODEL_INPUT, input]]);
  model.nodes.forEach((node, i) => {
    const xs = node.inputs.map((id) => values.get(id)!);
    let n = node;
    if (strip && node.id === model.output) {
      const l = node.layer;
      if (l.kind === 'activation' && l.fn === strip) {
        values.set(node.id, xs[0]);
        return;
      }
      if ((l.kind === 'dense' || l.kind === 'conv2d') && l.activation === strip)
        n = { ...node, layer: { ...l, activation: 'linear' } };
    }
    values.set(node.id, emitNode(ctx, n, xs, i + 1));
  });
  return values.get(model.output)!;
}
