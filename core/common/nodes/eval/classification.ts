import { z } from 'zod';
import { inferenceBatchSize } from '../inferenceParams';
import { defineNode } from '../NodeDefinition';

export const evalClassificationParams = z.object({
  /** Which dataset split to score. @default 'test' */
  split: z.string().min(1).default('test').describe('Which dataset split to score'),
  /** Extra top-k accuracies to report (k below the class count). @default [3, 5] */
  topK: z
    .array(z.number().int().min(1))
    .default([3, 5])
    .describe('Extra top-k accuracies to report (k below the class count)'),
  batchSize: inferenceBatchSize,
});

export const evalClassification = defineNode({
  type: 'eval.classification',
  version: 1,
  title: 'Classification metrics',
  category: 'Evaluate',
  doc:
    'Scores a trained classifier on one split: accuracy, balanced accuracy, precision/recall/F1 per class and macro/weighted, ' +
    'confusion matrix, ROC curves and AUC (binary, or one-vs-rest), log loss and top-k accuracy, with scikit-learn’s definitions.',
  keywords: ['accuracy', 'confusion matrix', 'ROC', 'score', 'evaluate'],
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    { name: 'data', type: { kind: 'Dataset', task: 'classification' } },
  ],
  outputs: [{ name: 'metrics', type: { kind: 'Metrics' } }],
  params: evalClassificationParams,
});
