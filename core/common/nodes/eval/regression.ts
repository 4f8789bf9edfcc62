import { z } from 'zod';
import { inferenceBatchSize } from '../inferenceParams';
import { defineNode } from '../NodeDefinition';

export const evalRegressionParams = z.object({
  /** Which dataset split to score. @default 'test' */
  split: z.string().min(1).default('test').describe('Which dataset split to score'),
  batchSize: inferenceBatchSize,
});

export const evalRegression = defineNode({
  type: 'eval.regression',
  version: 1,
  title: 'Regression metrics',
  category: 'Evaluate',
  doc:
    'Scores a trained regressor on one split: MSE, RMSE, MAE and R² (scikit-learn definitions), with residuals for plots. ' +
    "On time-series windows (prep.window) the scores are in the target's original units and add MAPE and sMAPE (in %), the same " +
    'for a naive forecast (the last observed value), the model/naive ratios of MAE and RMSE, and a forecast plot.',
  keywords: ['RMSE', 'MAE', 'R2', 'MAPE', 'sMAPE', 'MASE', 'forecast', 'naive', 'score', 'evaluate'],
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    { name: 'data', type: { kind: 'Dataset', task: 'regression' } },
  ],
  outputs: [{ name: 'metrics', type: { kind: 'Metrics' } }],
  params: evalRegressionParams,
});
