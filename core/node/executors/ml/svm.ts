import { svmLearner } from '../../../common/learners/svm';
import { learnerExecutor } from './learnerExecutor';

export const svmExecutor = learnerExecutor(svmLearner);
