import { boostingLearner } from './boosting';
import { forestLearner, treeLearner } from './forest';
import { knnLearner } from './knn';
import { naiveBayesLearner } from './naiveBayes';
import { svmLearner } from './svm';
import { linearLearner } from './linear';
import { logisticLearner } from './logistic';
import type { LearnerModule } from './types';

/** Every classical learner by node type: a Learner value names one of these to be fitted again. */
export const learnerModules = {
  'ml.linear': linearLearner,
  'ml.logistic': logisticLearner,
  'ml.tree': treeLearner,
  'ml.forest': forestLearner,
  'ml.boosting': boostingLearner,
  'ml.knn': knnLearner,
  'ml.naive_bayes': naiveBayesLearner,
  'ml.svm': svmLearner,
} satisfies Readonly<Record<string, LearnerModule<never>>>;

export { fitDataOf, fitLearner } from './fitLearner';
export { LearnerError, type LearnerModule } from './types';
