import { z } from 'zod';
import { defineLearnerNode } from './learnerNode';
import { cartParams, maxFeaturesParam } from './treeParams';

export const treeParams = z.object({ ...cartParams, maxFeatures: maxFeaturesParam('all') });

export const treeNode = defineLearnerNode({
  type: 'ml.tree',
  title: 'Decision tree',
  doc:
    "A CART decision tree as scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor: gini, entropy or squared " +
    'error splits, depth and leaf-size limits. Reports depth, leaves and impurity-based feature importance; exports as ' +
    'one ai.onnx.ml TreeEnsemble node.',
  params: treeParams,
  tasks: ['classification', 'regression'],
});
