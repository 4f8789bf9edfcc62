import { z } from 'zod';
import type { ConvGeometry } from '../../model/graph/ops';
import { conv, spatialOut } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { activation, fmt, pair, param, windowGeometry } from './layerOps';
import { activationFn, activationParam, paddingParam, pairSpec, windowPaddingSpec } from './layerParams';

const conv2dSpec = z.object({
  kind: z.literal('conv2d'),
  filters: z.number().int().min(1),
  kernelSize: pairSpec,
  /** @default 1 */
  strides: pairSpec.optional(),
  /** `valid` (no padding), `same` (Keras rule), or explicit symmetric padding. @default 'valid' */
  padding: windowPaddingSpec.optional(),
  /** @default 1 */
  dilation: pairSpec.optional(),
  activation: activationFn.optional(),
  /** @default true */
  useBias: z.boolean().optional(),
});

function convGeometry(layer: z.output<typeof conv2dSpec>, inShape: readonly number[]): ConvGeometry {
  return windowGeometry(
    inShape.slice(1),
    pair(layer.kernelSize, 1),
    pair(layer.strides, 1),
    pair(layer.dilation, 1),
    layer.padding,
  );
}

export const conv2dNode = defineLayer({
  kind: 'conv2d',
  title: 'Conv2D',
  doc: '2-D convolution over [channels, height, width] inputs with square kernels, stride, padding and dilation.',
  spec: conv2dSpec,
  params: z.object({
    filters: z.number().int().min(1).max(65_536).default(16),
    kernelSize: z.number().int().min(1).max(64).default(3),
    strides: z.number().int().min(1).max(64).default(1),
    padding: paddingParam,
    dilation: z.number().int().min(1).max(64).default(1),
    activation: activationParam,
    useBias: z.boolean().default(true),
  }),
  toLayer: (p) => ({
    kind: 'conv2d',
    filters: p.filters,
    kernelSize: p.kernelSize,
    strides: p.strides,
    padding: p.padding,
    dilation: p.dilation,
    activation: p.activation,
    useBias: p.useBias,
  }),
  infer: ({ id, layer, x, fail }) => {
    if (x.length !== 3) fail('[channels, height, width] (add a Reshape layer before it)');
    const g = convGeometry(layer, x);
    const out = spatialOut(x.slice(1), g);
    if (out.some((d) => d < 1)) fail(`a larger image for kernel ${fmt([...g.kernel])} (output would be ${fmt(out)})`);
    const [kh, kw] = g.kernel as [number, number];
    const c = x[0];
    const params = [
      param(`${id}/kernel`, [layer.filters, c, kh, kw], 'glorot_uniform', c * kh * kw, layer.filters * kh * kw),
    ];
    if (layer.useBias !== false) params.push(param(`${id}/bias`, [layer.filters], 'zeros'));
    return { outShape: [layer.filters, ...out], params, buffers: [] };
  },
  emit: ({ ctx, node, layer, x, p }) => {
    const hasBias = node.params.some((q) => q.name === `${node.id}/bias`);
    const y = conv(ctx.b, x, p('kernel'), hasBias ? p('bias') : undefined, convGeometry(layer, node.inShapes[0]));
    return activation(ctx.b, y, layer.activation);
  },
});
