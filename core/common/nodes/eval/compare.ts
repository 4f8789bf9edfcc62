import { z } from 'zod';
import { inferenceBatchSize } from '../inferenceParams';
import type { PortSpec } from '../NodeDefinition';
import type { PortType } from '../../ports';
import { defineNode } from '../NodeDefinition';

/** How many learners one eval.compare node takes (ports `learner1` … `learner8`). */
export const COMPARE_SLOTS = 8;

/** Metrics a comparison can rank by; `auto` is accuracy for classification, R² for regression. */
export const RANK_METRICS = [
  'auto',
  'accuracy',
  'balanced_accuracy',
  'f1_macro',
  'roc_auc',
  'log_loss',
  'mse',
  'mae',
  'r2',
] as const;

export const evalCompareParams = z.object({
  mode: z
    .enum(['cv', 'test'])
    .default('cv')
    .describe('cv: k-fold cross-validation on the train (+ validation) rows; test: fit on train, score the test split'),
  folds: z.number().int().min(2).max(100).default(5).describe('cv: number of folds (k)'),
  repeats: z.number().int().min(1).max(50).default(1).describe('cv: repeats of the k-fold split, each reshuffled'),
  stratify: z.boolean().default(true).describe('cv: keep class proportions in every fold (classification)'),
  seed: z.number().int().default(42).describe('Seed of the fold assignment'),
  rankBy: z.enum(RANK_METRICS).default('auto').describe('Metric that picks the best learner'),
  alpha: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.05)
    .describe('Significance level of the paired test of the best learner against each other one'),
  batchSize: inferenceBatchSize,
});

export type EvalCompareParams = z.output<typeof evalCompareParams>;

const learnerPorts: PortSpec[] = Array.from({ length: COMPARE_SLOTS }, (_, i) => ({
  name: `learner${i + 1}`,
  type: { kind: 'Learner' },
  optional: true,
  doc: 'The learner output of an ml.* node or of train.trainer',
}));

export const evalCompare = defineNode({
  type: 'eval.compare',
  version: 1,
  title: 'Test & Score',
  category: 'Evaluate',
  doc:
    'Compares learners (ml.* nodes and model + train.trainer pairs) on one dataset by stratified k-fold cross-validation or ' +
    'on the test split. Each learner brings the fitted steps between this dataset and its own training data (e.g. prep.tfidf ' +
    'for one learner and prep.tokenize for another, both after the prep.split connected here), like a scikit-learn Pipeline; ' +
    'a learner whose training data does not come from this dataset (another source, split or target) is refused. Each fold ' +
    'fits every fitted preprocessing step and every learner again on its training rows only, then scores the held-out rows. Reports mean ± sd of accuracy, balanced accuracy, F1, ROC AUC and log loss (MSE, MAE, R² ' +
    'for regression), fit and predict time, marks the best learner and tests it against each other one with the corrected ' +
    'resampled t-test over folds.',
  inputs: [...learnerPorts, { name: 'data', type: { kind: 'Dataset' } }],
  outputs: [{ name: 'metrics', type: { kind: 'Metrics' } }],
  params: evalCompareParams,
  expensive: true,
  inferOutputs: ({ inputs }) => {
    const learners = learnerPorts
      .map((p) => [p.name, inputs[p.name]] as const)
      .filter((e): e is readonly [string, Extract<PortType, { kind: 'Learner' }>] => e[1]?.kind === 'Learner');
    if (!learners.length)
      return { error: 'connect at least one learner (the learner output of an ml.* node or train.trainer)' };
    const data = inputs.data as Extract<PortType, { kind: 'Dataset' }> | undefined;
    for (const [port, l] of learners) {
      if (data?.task && l.task && l.task !== data.task) {
        return { error: `${port} is a ${l.task} learner but the dataset is for ${data.task}` };
      }
    }
    return { outputs: { metrics: { kind: 'Metrics' } } };
  },
});
