import { z } from 'zod';
import { defineLearnerNode } from './learnerNode';

export const naiveBayesParams = z.object({
  kind: z
    .enum(['gaussian', 'multinomial'])
    .default('gaussian')
    .describe('gaussian: a normal per class and feature; multinomial: features are non-negative counts'),
  varSmoothing: z
    .number()
    .min(0)
    .default(1e-9)
    .describe('gaussian: share of the widest feature variance added to every variance (var_smoothing)'),
  alpha: z.number().min(0).default(1).describe('multinomial: additive (Laplace) smoothing of the counts (alpha)'),
  fitPrior: z.boolean().default(true).describe('Class priors from the training class shares; else uniform (fit_prior)'),
});

export const naiveBayesNode = defineLearnerNode({
  type: 'ml.naive_bayes',
  title: 'Naive Bayes',
  doc:
    "Naive Bayes as in scikit-learn's GaussianNB (a normal distribution per class and feature) and MultinomialNB " +
    '(features are non-negative counts, e.g. word counts; negative values are refused). Reports the per-class ' +
    'parameters; exports in standard operators (log-likelihoods, Softmax).',
  params: naiveBayesParams,
  tasks: ['classification'],
});
