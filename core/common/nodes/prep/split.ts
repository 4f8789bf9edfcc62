import { z } from 'zod';
import { defineNode } from '../NodeDefinition';

export const splitParams = z.object({
  target: z.string().default('').describe('Target column; empty = the last column').meta({ widget: 'column' }),
  task: z
    .enum(['auto', 'classification', 'regression'])
    .default('auto')
    .describe(
      'auto: categories, booleans and integers with at most 20 values are classes; other numbers are regression',
    ),
  features: z
    .array(z.string())
    .default([])
    .describe(
      'Feature columns; empty = every other column (free-text columns are left out; listed, they wait for prep.tokenize or prep.tfidf)',
    )
    .meta({ widget: 'columns' }),
  train: z.number().min(0).max(1).default(0.7).describe('Share of rows for training'),
  validation: z.number().min(0).max(1).default(0.15).describe('Share of rows for validation (0 = none)'),
  test: z
    .number()
    .min(0)
    .max(1)
    .default(0.15)
    .describe('Share of rows for testing (0 = none); ignored when a test table is connected'),
  stratify: z.boolean().default(true).describe('Keep class proportions in every split (classification)'),
  seed: z.number().int().default(42).describe('Seed of the shuffle'),
});

export type SplitParams = z.output<typeof splitParams>;

export const splitNode = defineNode({
  type: 'prep.split',
  version: 1,
  title: 'Train/Test Split',
  category: 'Preprocess',
  doc:
    "Chooses the target, splits rows into train/validation/test (seeded, stratified; each part keeps the file's row order, and the trainer reshuffles every epoch), and assembles float32 features: " +
    'numeric columns as they are, categorical columns one-hot encoded, missing numbers (NaN) in any numeric column, in training or at prediction time, imputed with the training mean. ' +
    'Encoders and imputers are fitted on the training split only. ' +
    'Connect a second table (e.g. test.csv) to the test input to score on your own test file: its rows are the test split, ' +
    'matched by column name, encoded and imputed with what was fitted on the training rows; the first table then gives train and validation.',
  keywords: ['target', 'label', 'holdout', 'train_test_split'],
  inputs: [
    { name: 'table', type: { kind: 'Table' }, doc: 'Rows for train and validation (and test, without a test table)' },
    {
      name: 'test',
      type: { kind: 'Table' },
      optional: true,
      doc: 'Your own test file: its rows are the test split (same columns as the first table)',
    },
  ],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  params: splitParams,
  basic: ['target', 'features', 'task'],
  inferOutputs: ({ params, inputs }) => {
    if (params.train <= 0)
      return { error: 'param train: 0 leaves the training split empty; give train a share above 0 (e.g. 0.7)' };
    const hasTest = params.test > 0 || inputs.test !== undefined;
    const splits = ['train', ...(params.validation > 0 ? ['validation'] : []), ...(hasTest ? ['test'] : [])];
    return {
      outputs: {
        dataset: {
          kind: 'Dataset',
          splits,
          ...(params.task !== 'auto' ? { task: params.task } : {}),
          ...(params.features.length ? { featureColumns: params.features } : {}),
        },
      },
    };
  },
});
