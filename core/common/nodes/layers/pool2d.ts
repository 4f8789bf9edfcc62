import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';
import { paddingParam } from './layerParams';

const poolParams = z.object({
  poolSize: z.number().int().min(1).max(64).default(2),
  /** 0 = the pool size. */
  strides: z.number().int().min(0).max(64).default(0).describe('0 = the pool size'),
  padding: paddingParam,
});

export const maxPool2dLayerNode = defineLayerNode({
  kind: 'maxpool2d',
  title: 'MaxPool2D',
  doc: 'Maximum over square windows of [channels, height, width] inputs.',
  params: poolParams,
  toLayer: (p) => ({ kind: 'maxpool2d', poolSize: p.poolSize, strides: p.strides || p.poolSize, padding: p.padding }),
});

export const avgPool2dLayerNode = defineLayerNode({
  kind: 'avgpool2d',
  title: 'AvgPool2D',
  doc: 'Average over square windows of [channels, height, width] inputs (padding excluded from the count).',
  params: poolParams,
  toLayer: (p) => ({ kind: 'avgpool2d', poolSize: p.poolSize, strides: p.strides || p.poolSize, padding: p.padding }),
});

export const globalAvgPoolLayerNode = defineLayerNode({
  kind: 'globalavgpool',
  title: 'GlobalAvgPool',
  doc: 'Average over all spatial positions: [channels, ...spatial] → [channels].',
  params: z.object({}),
  toLayer: () => ({ kind: 'globalavgpool' }),
});
