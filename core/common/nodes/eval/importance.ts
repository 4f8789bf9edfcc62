import { z } from 'zod';
import { inferenceBatchSize } from '../inferenceParams';
import { defineNode } from '../NodeDefinition';
import { RANK_METRICS } from './compare';

export const evalImportanceParams = z.object({
  split: z.string().min(1).default('test').describe('Split whose rows are shuffled and scored'),
  metric: z
    .enum(RANK_METRICS)
    .default('auto')
    .describe('Metric whose drop is measured; auto: accuracy (classification) or R² (regression)'),
  repeats: z.number().int().min(1).max(100).default(5).describe('Shuffles per feature (n_repeats)'),
  seed: z.number().int().default(42).describe('Seed of the shuffles'),
  groupOneHot: z
    .boolean()
    .default(true)
    .describe('Shuffle the one-hot columns of one original column together and report the original column'),
  batchSize: inferenceBatchSize,
});

export type EvalImportanceParams = z.output<typeof evalImportanceParams>;

export const evalImportance = defineNode({
  type: 'eval.importance',
  version: 1,
  title: 'Permutation importance',
  category: 'Evaluate',
  doc:
    "Permutation feature importance as in scikit-learn's permutation_importance: per feature (or per original column of a " +
    'one-hot group), how much the chosen metric drops when that column is shuffled among the rows of the split, repeated ' +
    'with a seed; mean ± sd, sorted. Works for any trained model.',
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    { name: 'data', type: { kind: 'Dataset' } },
  ],
  outputs: [{ name: 'metrics', type: { kind: 'Metrics' } }],
  params: evalImportanceParams,
});
