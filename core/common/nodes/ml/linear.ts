import { z } from 'zod';
import { defineLearnerNode } from './learnerNode';

export const linearParams = z.object({
  penalty: z
    .enum(['none', 'l2', 'l1', 'elasticnet'])
    .default('none')
    .describe('none: ordinary least squares; l2: ridge; l1: lasso; elasticnet: both, mixed by l1Ratio'),
  alpha: z.number().min(0).default(1).describe('Penalty strength (scikit-learn alpha); unused when penalty is none'),
  l1Ratio: z.number().min(0).max(1).default(0.5).describe('elasticnet: share of the L1 penalty (l1_ratio)'),
  fitIntercept: z.boolean().default(true).describe('Fit an intercept (fit_intercept); else the line passes through 0'),
  maxIter: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1000)
    .describe('l1 / elasticnet: coordinate descent sweeps (max_iter)'),
  tol: z.number().positive().default(1e-4).describe('l1 / elasticnet: stop when the duality gap is below tol · ‖y‖²'),
});

export const linearNode = defineLearnerNode({
  type: 'ml.linear',
  title: 'Linear regression',
  doc:
    "Linear regression as in scikit-learn's LinearRegression, Ridge, Lasso and ElasticNet: least squares with an " +
    'optional L2, L1 or mixed penalty. Reports the coefficients by feature; exports as MatMul + Add.',
  params: linearParams,
  tasks: ['regression'],
});
