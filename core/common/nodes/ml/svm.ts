import { z } from 'zod';
import { defineLearnerNode } from './learnerNode';

export const svmParams = z.object({
  kernel: z
    .enum(['rbf', 'linear', 'poly'])
    .default('rbf')
    .describe('rbf: exp(−gamma ‖u − v‖²); linear: u·v; poly: (gamma u·v + coef0)^degree'),
  C: z.number().positive().default(1).describe('Inverse regularization: larger C fits the training rows harder'),
  gamma: z
    .union([z.enum(['scale', 'auto']), z.number().positive()])
    .default('scale')
    .describe("Kernel width: 'scale' 1 / (features · variance of X), 'auto' 1 / features, or a number"),
  degree: z.number().int().min(1).max(10).default(3).describe('poly: the polynomial degree'),
  coef0: z.number().default(0).describe('poly: the constant term'),
  tol: z.number().positive().default(1e-3).describe('Stop when the largest KKT violation is below tol'),
  maxIter: z
    .number()
    .int()
    .min(-1)
    .default(-1)
    .describe('SMO iterations per class pair; -1: no limit; a warning when reached (max_iter)'),
  probability: z
    .boolean()
    .default(false)
    .describe('Platt-scaled probabilities from 5-fold cross-validation (about 6× the fit time)'),
  epsilon: z.number().min(0).default(0.1).describe('regression: errors below epsilon cost nothing (the ε-tube of SVR)'),
  cacheSize: z.number().positive().default(200).describe('Kernel column cache in MB (cache_size)'),
  seed: z.number().int().default(0).describe('Seed of the cross-validation folds for probability'),
});

export const svmNode = defineLearnerNode({
  type: 'ml.svm',
  title: 'Support vector machine',
  doc:
    "Support vector machines as in scikit-learn's SVC and, for a numeric target, SVR (ε-SVR; libsvm): the dual " +
    'solved by SMO with second-order working set selection, one-vs-one for more than two classes. With probability on, outputs are probabilities ' +
    'by Platt scaling on 5-fold cross-validated decision values, coupled pairwise for more than two classes (the ' +
    "minimizer libsvm approaches iteratively, solved exactly; folds from this node's seed, so figures differ slightly " +
    "from scikit-learn's). With probability off " +
    '(the default, as in scikit-learn) the outputs are NOT calibrated probabilities: a sigmoid of the decision value ' +
    '(two classes) or a softmax of the one-vs-rest decision function (votes + confidences), whose largest entry is ' +
    'the predicted class. Exports in float64 standard operators (kernel and decisions by MatMul); not as ' +
    'ai.onnx.ml SVMClassifier, whose float32 kernels moved outputs up to 2e-4 from the fitted model on unscaled data.',
  params: svmParams,
  tasks: ['classification', 'regression'],
});
