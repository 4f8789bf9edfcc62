import { z } from 'zod';
import { defineNode } from '../NodeDefinition';
import { tensorSplitParams } from './splitParams';

/** Image file extensions `data.images` reads (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif'] as const;

export const imagesParams = z
  .object({
    path: z
      .string()
      .default('')
      .describe(
        'Folder with one subfolder per class (e.g. digits/0/*.png, digits/1/*.png), relative to the pipeline file',
      )
      .meta({ widget: 'folder' }),
    testPath: z
      .string()
      .default('')
      .describe('Optional test folder with the same class subfolders (e.g. digits/test): its images are the test split')
      .meta({ widget: 'folder' }),
    width: z.number().int().min(1).max(4096).default(28).describe('Width images are resized to'),
    height: z.number().int().min(1).max(4096).default(28).describe('Height images are resized to'),
    color: z.enum(['grayscale', 'rgb']).default('grayscale').describe('grayscale: 1 channel; rgb: 3 channels'),
    fit: z
      .enum(['fill', 'cover', 'contain'])
      .default('fill')
      .describe('fill stretches to width×height; cover crops the overflow; contain pads with black'),
    memoryBudgetMB: z
      .number()
      .positive()
      .default(2048)
      .describe(
        'Largest float32 tensor size this node loads into memory; a bigger folder is loaded per batch from disk',
      ),
  })
  .extend(tensorSplitParams.shape);
export type ImagesParams = z.output<typeof imagesParams>;

export const imagesNode = defineNode({
  type: 'data.images',
  version: 1,
  title: 'Image Folder',
  category: 'Data',
  doc:
    'Reads an image folder with one subfolder per class (PNG, JPEG, WebP, GIF), resizes every image to width×height, ' +
    'grayscale or RGB, into a classification dataset with NCHW float32 features in [0, 1], split train/validation/test ' +
    '(seeded, stratified); with a test folder (testPath) its images are the test split and the test share is ignored. Corrupt images are skipped and counted. Folders whose tensors exceed memoryBudgetMB stay on disk and are decoded per batch ' +
    '(training, evaluation, export checks); prep.augment and the tabular steps refuse such a dataset.',
  inputs: [],
  outputs: [
    {
      name: 'dataset',
      type: { kind: 'Dataset', task: 'classification' },
      doc: 'Features [C, H, W] and class labels',
    },
    {
      name: 'preview',
      type: { kind: 'DataPreview' },
      doc: 'Class histogram, pixel statistics and thumbnails',
    },
  ],
  params: imagesParams,
  fingerprint: (p) => [p.path, p.testPath].filter(Boolean),
  inferOutputs: ({ params }) => ({
    outputs: {
      dataset: {
        kind: 'Dataset',
        task: 'classification',
        featureShape: [params.color === 'rgb' ? 3 : 1, params.height, params.width],
        splits: [
          'train',
          ...(params.validation > 0 ? ['validation'] : []),
          ...(params.test > 0 || params.testPath ? ['test'] : []),
        ],
      },
    },
  }),
});
