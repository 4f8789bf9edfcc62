import { z } from 'zod';

/** The CART params `ml.tree` and `ml.forest` share, named as scikit-learn's (camelCase). */
export const cartParams = {
  criterion: z
    .enum(['auto', 'gini', 'entropy', 'squared_error'])
    .default('auto')
    .describe('Split quality; auto: gini for classification, squared_error for regression'),
  maxDepth: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .nullable()
    .default(null)
    .describe('Deepest level; null grows until leaves are pure'),
  minSamplesSplit: z
    .number()
    .int()
    .min(2)
    .default(2)
    .describe('Fewest rows a node needs to be split (min_samples_split)'),
  minSamplesLeaf: z.number().int().min(1).default(1).describe('Fewest rows each child must keep (min_samples_leaf)'),
  classWeight: z
    .enum(['none', 'balanced'])
    .default('none')
    .describe('balanced weighs each class by n / (classes × its count) (class_weight)'),
  seed: z.number().int().default(42).describe('Seed of feature sampling (and bootstrap samples)'),
};

export const maxFeaturesParam = (dflt: 'auto' | 'all') =>
  z
    .union([z.enum(['auto', 'all', 'sqrt', 'log2']), z.number().gt(0).max(1)])
    .default(dflt)
    .describe(
      'Features drawn at random per split: all, sqrt, log2, or a fraction in (0, 1]; auto: sqrt for a forest classifier, else all (max_features)',
    );
