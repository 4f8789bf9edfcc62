import { z } from 'zod';
import { defineLayer } from './defineLayer';
import { activation } from './layerOps';
import { activationFn } from './layerParams';

export const activationNode = defineLayer({
  kind: 'activation',
  title: 'Activation',
  doc: 'Element-wise activation: ReLU, LeakyReLU (slope `alpha`), GELU, sigmoid, tanh, or softmax over the last axis.',
  spec: z.object({ kind: z.literal('activation'), fn: activationFn, alpha: z.number().optional() }),
  params: z.object({
    fn: z
      .enum(['relu', 'leaky_relu', 'gelu', 'sigmoid', 'tanh', 'softmax'])
      .default('relu')
      .describe('The function applied element-wise (softmax over the last axis)'),
    alpha: z.number().min(0).max(1).default(0.01).describe('LeakyReLU slope for negative inputs'),
  }),
  toLayer: (p) => ({ kind: 'activation', fn: p.fn, alpha: p.alpha }),
  infer: ({ x }) => ({ outShape: [...x], params: [], buffers: [] }),
  tfjs: {
    ops: ['Relu', 'Sigmoid', 'Tanh', 'Elu', 'Softmax', 'LeakyRelu'],
    convert: (n, c) => {
      if (n.opType === 'Softmax') {
        const axis = n.int('axis', -1);
        if (axis !== -1 && axis !== 1) c.fail('export.tfjs: Softmax over an axis other than the last is not supported');
        return { layers: [{ className: 'Softmax', config: { axis: -1 } }] };
      }
      if (n.opType === 'LeakyRelu')
        return { layers: [{ className: 'LeakyReLU', config: { alpha: n.float('alpha', 0.01) } }] };
      const fn = ({ Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', Elu: 'elu' } as Record<string, string>)[n.opType];
      return { layers: [{ className: 'Activation', config: { activation: fn } }] };
    },
  },
  emit: ({ ctx, layer, x }) => activation(ctx.b, x, layer.fn, layer.alpha),
});
