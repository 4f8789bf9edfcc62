import { forestLearner } from '../../../common/learners/forest';
import { learnerExecutor } from './learnerExecutor';

export const forestExecutor = learnerExecutor(forestLearner);
