import { linearLearner } from '../../../common/learners/linear';
import { learnerExecutor } from './learnerExecutor';

export const linearExecutor = learnerExecutor(linearLearner);
