import { boostingLearner } from '../../../common/learners/boosting';
import { learnerExecutor } from './learnerExecutor';

export const boostingExecutor = learnerExecutor(boostingLearner);
