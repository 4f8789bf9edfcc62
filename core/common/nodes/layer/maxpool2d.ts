import { definePool2d } from './poolWindow';

export const maxpool2dNode = definePool2d(
  'maxpool2d',
  'MaxPool2D',
  'Maximum over square windows of [channels, height, width] inputs.',
  'MaxPool',
);
