import { z } from 'zod';
import { add, countOf, div, mul, reduceMean, reshape, scale, sub, unary } from '../../model/graph/ops';
import type { T } from '../../model/graph/GraphBuilder';
import { defineLayer } from './defineLayer';
import { param } from './layerOps';

/**
 * Normalises over the channel axis (axis 0 per sample). Keras semantics: running statistics with
 * `momentum` (default 0.99), epsilon 1e-3.
 */
export const batchnormNode = defineLayer({
  kind: 'batchnorm',
  title: 'BatchNorm',
  doc: 'Batch normalisation over the channel axis, with running statistics for prediction (Keras defaults).',
  spec: z.object({
    kind: z.literal('batchnorm'),
    /** @default 0.99 */
    momentum: z.number().optional(),
    /** @default 1e-3 */
    epsilon: z.number().optional(),
  }),
  params: z.object({
    momentum: z
      .number()
      .min(0)
      .max(0.9999)
      .default(0.99)
      .describe(
        'Weight of the running mean and variance at each step (Keras convention: new = momentum·old + (1 − momentum)·batch)',
      ),
    epsilon: z
      .number()
      .positive()
      .default(1e-3)
      .describe('Added to the variance before the square root, for stability'),
  }),
  toLayer: (p) => ({ kind: 'batchnorm', momentum: p.momentum, epsilon: p.epsilon }),
  infer: ({ id, x, fail }) => {
    if (x.length < 1) fail('a channel axis');
    const c = x[0];
    return {
      outShape: [...x],
      params: [param(`${id}/gamma`, [c], 'ones'), param(`${id}/beta`, [c], 'zeros')],
      buffers: [
        { name: `${id}/moving_mean`, shape: [c], init: 'zeros' },
        { name: `${id}/moving_variance`, shape: [c], init: 'ones' },
      ],
    };
  },
  tfjs: {
    ops: ['BatchNormalization'],
    convert: (n, c) => {
      const weights = [1, 2, 3, 4].map((i) => {
        const values = c.weight(n.inputs[i]).data;
        return { values, shape: [values.length] };
      });
      return {
        layers: [{ className: 'BatchNormalization', config: { axis: 1, epsilon: n.float('epsilon', 1e-5) }, weights }],
      };
    },
  },
  emit: ({ ctx, node, layer, x, p }): T => {
    const b = ctx.b;
    const c = node.inShapes[0][0];
    const bshape = [1, c, ...x.shape.slice(2).map(() => 1)];
    const gamma = reshape(b, p('gamma'), bshape);
    const beta = reshape(b, p('beta'), bshape);
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
  },
});
