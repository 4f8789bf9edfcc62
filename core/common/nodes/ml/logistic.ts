import { z } from 'zod';
import { defineLearnerNode } from './learnerNode';

export const logisticParams = z.object({
  penalty: z.enum(['l2', 'l1', 'none']).default('l2').describe('Coefficient penalty; l1 needs solver cd'),
  C: z.number().positive().default(1).describe('Inverse penalty strength: smaller C, stronger penalty'),
  solver: z
    .enum(['lbfgs', 'cd'])
    .default('lbfgs')
    .describe('lbfgs: quasi-Newton (l2, none); cd: coordinate descent (l1, l2, none)'),
  fitIntercept: z.boolean().default(true).describe('Fit an intercept per class (fit_intercept)'),
  maxIter: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(100)
    .describe('Solver iterations; a warning when reached (max_iter)'),
  tol: z
    .number()
    .positive()
    .default(1e-4)
    .describe('Stop when the largest gradient component (lbfgs) or step (cd) is below tol'),
});

export const logisticNode = defineLearnerNode({
  type: 'ml.logistic',
  title: 'Logistic regression',
  doc:
    "Logistic regression as in scikit-learn's LogisticRegression: binary (sigmoid) for two classes, multinomial " +
    '(softmax) for more, with an L2, L1 or no penalty. Reports coefficients by feature; exports as MatMul + Add + Softmax.',
  params: logisticParams,
  tasks: ['classification'],
});
