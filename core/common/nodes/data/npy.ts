import { z } from 'zod';
import { defineNode } from '../NodeDefinition';
import { tensorSplitParams } from './splitParams';

export const npyParams = z
  .object({
    path: z
      .string()
      .default('')
      .describe('.npy array or .npz archive, relative to the pipeline file')
      .meta({ widget: 'file', extensions: ['.npy', '.npz'] }),
    features: z
      .string()
      .default('')
      .describe('.npz: the features array; empty = x, X, features or data, else the first array'),
    labels: z
      .string()
      .default('')
      .describe('.npz: the labels array; empty = y, Y, labels, label or target when present'),
    labelsFile: z
      .string()
      .default('')
      .describe('A separate .npy file of labels (for a .npy features file)')
      .meta({ widget: 'file', extensions: ['.npy'] }),
    testPath: z
      .string()
      .default('')
      .describe(
        'Optional test .npy or .npz (e.g. x_test.npy): its samples are the test split; empty with testFeatures = this archive',
      )
      .meta({ widget: 'file', extensions: ['.npy', '.npz'] }),
    testFeatures: z
      .string()
      .default('')
      .describe('.npz: the test features array, e.g. x_test; empty = named as the training features'),
    testLabels: z
      .string()
      .default('')
      .describe('.npz: the test labels array, e.g. y_test; empty = named as the training labels'),
    testLabelsFile: z
      .string()
      .default('')
      .describe('A separate .npy file of test labels (for a .npy test features file), e.g. y_test.npy')
      .meta({ widget: 'file', extensions: ['.npy'] }),
    task: z
      .enum(['auto', 'classification', 'regression'])
      .default('auto')
      .describe('auto: integer or boolean labels are classes, float labels are regression targets'),
    scale: z.number().positive().default(1).describe('Divide feature values by this (255 maps bytes to [0, 1])'),
  })
  .extend(tensorSplitParams.shape);
export type NpyParams = z.output<typeof npyParams>;

export const npyNode = defineNode({
  type: 'data.npy',
  version: 1,
  title: 'NumPy Arrays',
  category: 'Data',
  doc:
    'Reads a NumPy .npy array or .npz archive (float32/64, (u)int8–64, bool; C or Fortran order). With labels ' +
    '(an array of the archive, or labelsFile) it outputs a dataset split train/validation/test: samples along the first ' +
    'axis, [n, H, W] read as [n, 1, H, W] images; integer or boolean labels make a classification, float labels a regression. ' +
    'Test arrays (testPath and testLabelsFile, or testFeatures and testLabels of an archive) are the test split, the test share then ignored. ' +
    'A 1-D or 2-D features array is also output as a table (columns x0, x1, … plus the labels), for the tabular nodes.',
  inputs: [],
  outputs: [
    { name: 'dataset', type: { kind: 'Dataset' }, doc: 'Features and labels, split; present when labels are given' },
    { name: 'table', type: { kind: 'Table' }, doc: 'A 1-D or 2-D features array (and the labels) as columns' },
    { name: 'preview', type: { kind: 'DataPreview' }, doc: 'Shape, value statistics and class histogram' },
  ],
  params: npyParams,
  fingerprint: (p) => [p.path, p.labelsFile, p.testPath, p.testLabelsFile].filter(Boolean),
});
