import { logisticLearner } from '../../../common/learners/logistic';
import { learnerExecutor } from './learnerExecutor';

export const logisticExecutor = learnerExecutor(logisticLearner);
