import { z } from 'zod';
import { defineLearnerNode } from './learnerNode';
import { cartParams, maxFeaturesParam } from './treeParams';
import { threadsParam } from '../threadsParam';

export const forestParams = z.object({
  nEstimators: z.number().int().min(1).max(10_000).default(100).describe('Trees in the forest (n_estimators)'),
  ...cartParams,
  maxFeatures: maxFeaturesParam('auto'),
  bootstrap: z.boolean().default(true).describe('Fit each tree on a bootstrap sample of the rows; else on every row'),
  oobScore: z.boolean().default(false).describe('Score each row with the trees that did not see it (oob_score)'),
  threads: threadsParam(
    'Threads trees are grown on (worker threads); 0: one per core. The model is the same for any count',
  ),
});

export const forestNode = defineLearnerNode({
  type: 'ml.forest',
  title: 'Random forest',
  doc:
    "A random forest as scikit-learn's RandomForestClassifier / RandomForestRegressor: CART trees on bootstrap samples " +
    'with features drawn at random per split, probabilities averaged. Reports the out-of-bag score and feature ' +
    'importance; exports as one ai.onnx.ml TreeEnsemble node.',
  params: forestParams,
  tasks: ['classification', 'regression'],
});
