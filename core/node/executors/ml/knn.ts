import { knnLearner } from '../../../common/learners/knn';
import { learnerExecutor } from './learnerExecutor';

export const knnExecutor = learnerExecutor(knnLearner);
