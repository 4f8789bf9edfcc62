import { z } from 'zod';
import { defineLayerNode } from './defineLayerNode';
import { paddingParam } from './layerParams';

const poolParams = z.object({
  poolSize: z.number().int().min(1).max(64).default(2),
  /** 0 = the pool size. */
  strides: z.number().int().min(0).max(64).default(0).describe('0 = the pool size'),
  padding: paddingParam,
});

const poolNode = (kind: 'maxpool2d' | 'avgpool2d', title: string, doc: string) =>
  defineLayerNode({
    kind,
    title,
    doc,
    params: poolParams,
    toLayer: (p) => ({ kind, poolSize: p.poolSize, strides: p.strides || p.poolSize, padding: p.padding }),
  });

export const maxPool2dLayerNode = poolNode(
  'maxpool2d',
  'MaxPool2D',
  'Maximum over square windows of [channels, height, width] inputs.',
);

export const avgPool2dLayerNode = poolNode(
  'avgpool2d',
  'AvgPool2D',
  'Average over square windows of [channels, height, width] inputs (padding excluded from the count).',
);

export const globalAvgPoolLayerNode = defineLayerNode({
  kind: 'globalavgpool',
  title: 'GlobalAvgPool',
  doc: 'Average over all spatial positions: [channels, ...spatial] → [channels].',
  params: z.object({}),
  toLayer: () => ({ kind: 'globalavgpool' }),
});
