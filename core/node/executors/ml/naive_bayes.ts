import { naiveBayesLearner } from '../../../common/learners/naiveBayes';
import { learnerExecutor } from './learnerExecutor';

export const naiveBayesExecutor = learnerExecutor(naiveBayesLearner);
