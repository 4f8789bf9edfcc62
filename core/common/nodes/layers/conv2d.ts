import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';
import { activationParam, paddingParam } from './layerParams';

export const conv2dLayerNode = defineLayerNode({
  kind: 'conv2d',
  title: 'Conv2D',
  doc: '2-D convolution over [channels, height, width] inputs with square kernels, stride, padding and dilation.',
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
});
