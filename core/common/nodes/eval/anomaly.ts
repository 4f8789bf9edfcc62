import { z } from 'zod';
import { defineNode } from '../NodeDefinition';

export const evalAnomalyParams = z.object({
  /** Which dataset split to score. @default 'test' */
  split: z.string().min(1).default('test').describe('Dataset split to score'),
  quantile: z
    .number()
    .min(0.5)
    .max(1)
    .default(0.95)
    .describe(
      'Threshold: this quantile of the training rows’ reconstruction errors; rows above it are predicted anomalies',
    ),
  anomalyClass: z
    .string()
    .default('')
    .describe(
      'Dataset class that counts as an anomaly in the predictions’ ground truth; empty = the second class of a binary dataset',
    ),
  batchSize: z.number().int().min(1).max(65_536).default(1024).describe('Rows per onnxruntime call'),
});

export const evalAnomaly = defineNode({
  type: 'eval.anomaly',
  version: 1,
  title: 'Anomaly scores',
  category: 'Evaluate',
  doc:
    'Scores rows by an autoencoder’s reconstruction error (train.trainer with target input): each row’s error under the ' +
    'training loss, summed over its values, as the anomaly probability e / (e + τ), τ a quantile of the training rows’ ' +
    'errors. Outputs the predictions and a scorer: a binary classifier (normal, anomaly) whose ONNX graph holds the ' +
    'autoencoder and the error, so eval.classification gives its ROC curve and AUC on a dataset with a binary label.',
  keywords: ['anomaly', 'outlier', 'novelty', 'autoencoder', 'reconstruction error'],
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    { name: 'data', type: { kind: 'Dataset' } },
  ],
  outputs: [
    { name: 'predictions', type: { kind: 'Predictions' }, doc: 'Per row: anomaly or normal, and the probabilities' },
    { name: 'scorer', type: { kind: 'TrainedModel' }, doc: 'Binary classifier for eval.classification and export' },
  ],
  params: evalAnomalyParams,
});
