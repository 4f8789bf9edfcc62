import { z } from 'zod';
import { paramKeys } from '../../graph/validateGraph';
import { dimensionKey, dimensionSchema } from '../../search/space';
import { defineNode } from '../NodeDefinition';

export const searchParams = z.object({
  dimensions: z
    .array(dimensionSchema)
    .min(1, 'add at least one dimension: a node, one of its params, and a range or a list of choices')
    .prefault([])
    .describe('What to search: node → param → int/float range (linear or log) or a list of choices'),
  metric: z
    .string()
    .min(1)
    .default('accuracy')
    .describe('The objective: a metric of the evaluation connected to metrics (validation split or cross-validation)'),
  direction: z
    .enum(['auto', 'maximize', 'minimize'])
    .default('auto')
    .describe('auto: minimise losses and errors (log_loss, mse, mae, rmse), maximise the rest'),
  algorithm: z
    .enum(['tpe', 'random', 'grid'])
    .default('tpe')
    .describe('tpe: tree-structured Parzen estimator after a random warm-up; random; grid: every combination'),
  trials: z
    .number()
    .int()
    .min(1, 'a budget of 0 trials runs nothing; give trials at least 1')
    .max(10_000)
    .default(20)
    .describe('Most trials to run (a grid stops here too)'),
  maxMinutes: z
    .number()
    .min(0)
    .default(0)
    .describe('Wall-time budget: start no trial after this many minutes; 0 = none'),
  workers: z.number().int().min(1).max(32).default(1).describe('Trials run at once'),
  seed: z.number().int().default(0).describe('Seed of the sampler: the same seed proposes the same trials'),
  warmup: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('tpe: finished trials sampled at random before the Parzen estimators take over')
    .meta({ showIf: { algorithm: ['tpe'] } }),
  gamma: z
    .number()
    .min(0.01)
    .max(0.5)
    .default(0.25)
    .describe('tpe: share of finished trials counted good')
    .meta({ showIf: { algorithm: ['tpe'] } }),
  candidates: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(24)
    .describe('tpe: points drawn from the good density per trial; the best l(x)/g(x) is run')
    .meta({ showIf: { algorithm: ['tpe'] } }),
  gridPoints: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('grid: values per int/float dimension')
    .meta({ showIf: { algorithm: ['grid'] } }),
  pruning: z
    .enum(['none', 'asha'])
    .default('none')
    .describe('asha: stop trials whose per-epoch validation metric falls behind at rung epochs (successive halving)'),
  gracePeriod: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('asha: epochs every trial trains before it can be stopped (the first rung)')
    .meta({ showIf: { pruning: ['asha'] } }),
  reductionFactor: z
    .number()
    .min(2)
    .max(100)
    .default(3)
    .describe('asha: η; rungs at grace·η^k epochs keep the best 1/η of the trials that reach them')
    .meta({ showIf: { pruning: ['asha'] } }),
  maxEpochs: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('asha: epochs (or boosting iterations) of a trial that is never stopped; 0 = the trainer’s own setting')
    .meta({ showIf: { pruning: ['asha'] } }),
  pruneMetric: z
    .string()
    .min(1)
    .default('auto')
    .describe(
      'asha: the per-epoch metric the rungs compare; auto: val_<metric> when the trainer reports it, else val_loss',
    )
    .meta({ showIf: { pruning: ['asha'] } }),
  cost: z
    .enum(['none', 'parameters', 'onnx_bytes', 'latency_ms'])
    .default('none')
    .describe('A second objective to minimise: the trials on the accuracy-vs-cost Pareto front are listed'),
});

export type SearchParams = z.output<typeof searchParams>;

export const tuneSearch = defineNode({
  type: 'tune.search',
  version: 1,
  title: 'Hyperparameter search',
  category: 'Training',
  doc:
    'Searches params of upstream nodes: each trial is the pipeline up to the connected evaluation with some params ' +
    'changed, run through the engine (unchanged nodes come from the cache) and recorded as a run of its own. ' +
    'Grid, random or TPE; ASHA stops trials that fall behind at rung epochs. Outputs the best trial’s model and learner, ' +
    'so an evaluation on the test split downstream scores only the winner. A killed search resumes where it stopped.',
  keywords: ['tune', 'hyperparameter', 'sweep', 'optuna', 'tpe', 'asha', 'grid search', 'random search', 'automl'],
  inputs: [
    {
      name: 'metrics',
      type: { kind: 'Metrics' },
      doc: 'The objective’s evaluation: eval.classification / eval.regression on the validation split, or eval.compare (cv)',
    },
    { name: 'model', type: { kind: 'TrainedModel' }, optional: true, doc: 'The model each trial trains' },
    { name: 'learner', type: { kind: 'Learner' }, optional: true, doc: 'The learner each trial fits' },
  ],
  outputs: [
    { name: 'model', type: { kind: 'TrainedModel' }, doc: 'The best trial’s trained model' },
    { name: 'learner', type: { kind: 'Learner' }, doc: 'The best trial’s learner' },
    { name: 'trials', type: { kind: 'Metrics' }, doc: 'Every trial: params, status, objective' },
  ],
  params: searchParams,
  basic: ['dimensions', 'metric', 'algorithm', 'trials', 'pruning'],
  expensive: true,
  checkInGraph: (params, doc, registry) =>
    params.dimensions.flatMap((d) => {
      const node = doc.nodes.find((n) => n.id === d.node);
      if (!node) return [`dimension ${dimensionKey(d)}: no node "${d.node}" in the pipeline (renamed or deleted?)`];
      const def = Object.hasOwn(registry, node.type) ? registry[node.type] : undefined;
      const keys = def ? paramKeys(def.params) : undefined;
      const head = d.param.split('.')[0] ?? '';
      return keys && !keys.includes(head)
        ? [
            `dimension ${dimensionKey(d)}: ${node.type} (${d.node}) has no param "${head}"; its params are ${keys.join(', ')}`,
          ]
        : [];
    }),
  inferOutputs: ({ inputs }) => ({
    outputs: {
      model: inputs.model ?? { kind: 'TrainedModel' },
      learner: inputs.learner ?? { kind: 'Learner' },
      trials: { kind: 'Metrics' },
    },
  }),
});
