import { z } from 'zod';
import { defineLearnerNode } from './learnerNode';
import { threadsParam } from '../threadsParam';

export const boostingParams = z.object({
  learningRate: z.number().positive().max(10).default(0.1).describe('Shrinkage of each tree (learning_rate)'),
  maxIter: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .describe('Boosting iterations: one tree, or one per class (max_iter)'),
  maxLeafNodes: z
    .number()
    .int()
    .min(2)
    .nullable()
    .default(31)
    .describe('Leaves per tree, grown best-first; null: unlimited (max_leaf_nodes)'),
  maxDepth: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('Deepest level per tree; null: unlimited (max_depth)'),
  minSamplesLeaf: z.number().int().min(1).default(20).describe('Fewest rows per leaf (min_samples_leaf)'),
  l2Regularization: z.number().min(0).default(0).describe('L2 penalty on leaf values (l2_regularization)'),
  maxBins: z
    .number()
    .int()
    .min(2)
    .max(255)
    .default(255)
    .describe('Bins per feature; missing values get one more (max_bins)'),
  earlyStopping: z
    .enum(['auto', 'on', 'off'])
    .default('auto')
    .describe('Stop when the validation loss stalls; auto: on above 10,000 training rows (early_stopping)'),
  validationFraction: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.1)
    .describe('Share of training rows held out for early stopping'),
  nIterNoChange: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Iterations without improvement before stopping (n_iter_no_change)'),
  tol: z.number().min(0).default(1e-7).describe('Smallest validation loss decrease that counts as improvement'),
  seed: z.number().int().default(42).describe('Seed of the early-stopping holdout'),
  threads: threadsParam(
    'Threads histograms are built on (worker threads); 0: one per core. The model is the same for any count',
  ),
});

export const boostingNode = defineLearnerNode({
  type: 'ml.boosting',
  title: 'Gradient boosting',
  doc:
    "Histogram gradient boosting as scikit-learn's HistGradientBoostingClassifier / Regressor: features binned into at " +
    'most 255 bins (missing values get their own and need no imputing), trees grown best-first on gradient histograms, ' +
    'log loss or squared error, early stopping on a validation fraction. Reports the loss per iteration as a live curve; ' +
    'exports as one ai.onnx.ml TreeEnsembleRegressor with Sigmoid or Softmax.',
  params: boostingParams,
  tasks: ['classification', 'regression'],
});
