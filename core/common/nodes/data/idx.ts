import { z } from 'zod';
import { defineNode } from '../NodeDefinition';
import { tensorSplitParams } from './splitParams';

export const idxParams = z
  .object({
    images: z
      .string()
      .default('')
      .describe('IDX file of samples, e.g. train-images-idx3-ubyte(.gz)')
      .meta({
        widget: 'file',
        extensions: ['.gz', '.idx', '.idx3-ubyte', '.ubyte'],
      }),
    labels: z
      .string()
      .default('')
      .describe('IDX file of class labels, e.g. train-labels-idx1-ubyte(.gz)')
      .meta({
        widget: 'file',
        extensions: ['.gz', '.idx', '.idx1-ubyte', '.ubyte'],
      }),
    scale: z.number().positive().default(255).describe('Divide sample values by this (255 maps bytes to [0, 1])'),
  })
  .extend(tensorSplitParams.shape);
export type IdxParams = z.output<typeof idxParams>;

export const idxNode = defineNode({
  type: 'data.idx',
  version: 1,
  title: 'IDX Files (MNIST)',
  category: 'Data',
  doc: 'Reads an IDX sample file and its label file (the MNIST format, gzipped or not) into a classification dataset with NCHW features [1, rows, cols], split train/validation/test (seeded, stratified).',
  inputs: [],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset', task: 'classification' } }],
  params: idxParams,
  fingerprint: (p) => [p.images, p.labels].filter(Boolean),
});
