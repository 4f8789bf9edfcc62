import { definePool2d } from './poolWindow';

export const avgpool2dNode = definePool2d(
  'avgpool2d',
  'AvgPool2D',
  'Average over square windows of [channels, height, width] inputs (padding excluded from the count).',
  'AveragePool',
);
