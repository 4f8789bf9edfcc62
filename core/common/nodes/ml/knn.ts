import { z } from 'zod';
import { defineLearnerNode } from './learnerNode';

export const knnParams = z.object({
  nNeighbors: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(5)
    .describe('Neighbours that vote or average (n_neighbors); at most the training rows'),
  weights: z
    .enum(['uniform', 'distance'])
    .default('uniform')
    .describe('uniform: each neighbour counts the same; distance: by 1 / distance (a neighbour at 0 takes all)'),
});

export const knnNode = defineLearnerNode({
  type: 'ml.knn',
  title: 'k-nearest neighbours',
  doc:
    "k-nearest neighbours as in scikit-learn's KNeighborsClassifier and KNeighborsRegressor with the euclidean " +
    'metric (minkowski, p = 2), brute force over the training rows: class probabilities are the (weighted) share of ' +
    'the neighbours per class, predictions their (weighted) mean. Standardize the features first (prep.standardize) ' +
    'when their scales differ. Exports in standard operators (MatMul distances, TopK, Gather).',
  params: knnParams,
  tasks: ['classification', 'regression'],
});
