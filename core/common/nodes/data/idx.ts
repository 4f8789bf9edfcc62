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
    testImages: z
      .string()
      .default('')
      .describe('Optional IDX file of test samples, e.g. t10k-images-idx3-ubyte(.gz): its rows are the test split')
      .meta({
        widget: 'file',
        extensions: ['.gz', '.idx', '.idx3-ubyte', '.ubyte'],
      }),
    testLabels: z
      .string()
      .default('')
      .describe('IDX file of the test labels, e.g. t10k-labels-idx1-ubyte(.gz)')
      .meta({
        widget: 'file',
        extensions: ['.gz', '.idx', '.idx1-ubyte', '.ubyte'],
      }),
    scale: z.number().positive().default(255).describe('Divide sample values by this (255 maps bytes to [0, 1])'),
    classes: z
      .array(z.number().int())
      .default([])
      .describe('Keep only rows with these label values, in train and test files; empty keeps every class'),
    perClass: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Keep the first this many rows of each class from the images file (not the test files); 0 keeps all'),
  })
  .extend(tensorSplitParams.shape);
export type IdxParams = z.output<typeof idxParams>;

export const idxNode = defineNode({
  type: 'data.idx',
  version: 1,
  title: 'IDX Files (MNIST)',
  category: 'Data',
  doc:
    'Reads an IDX sample file and its label file (the MNIST format, gzipped or not) into a classification dataset with NCHW features [1, rows, cols], split train/validation/test (seeded, stratified). ' +
    'With testImages and testLabels (e.g. MNIST t10k files) the test split is those files and the test share is ignored.',
  inputs: [],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset', task: 'classification' } }],
  params: idxParams,
  fingerprint: (p) => [p.images, p.labels, p.testImages, p.testLabels].filter(Boolean),
  inferOutputs: ({ params }) => ({
    outputs: {
      dataset: {
        kind: 'Dataset',
        task: 'classification',
        splits: [
          'train',
          ...(params.validation > 0 ? ['validation'] : []),
          ...(params.test > 0 || params.testImages ? ['test'] : []),
        ],
      },
    },
  }),
});
