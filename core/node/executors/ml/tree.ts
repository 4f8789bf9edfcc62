import { treeLearner } from '../../../common/learners/forest';
import { learnerExecutor } from './learnerExecutor';

export const treeExecutor = learnerExecutor(treeLearner);
