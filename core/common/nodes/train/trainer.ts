import { z } from 'zod';
import { formatDims, shapesCompatible, type PortType } from '../../ports';
import { defineNode } from '../NodeDefinition';
import { threadsParam } from '../threadsParam';

export const trainerParams = z.object({
  epochs: z.number().int().min(1).max(100_000).default(10).describe('Passes over the training split'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(65_536)
    .default(128)
    .describe('Samples per step; the last batch of an epoch may be smaller'),
  optimizer: z
    .enum(['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'])
    .default('adam')
    .describe('How weights are updated from gradients; adam is a good default'),
  lr: z.number().positive().max(10).default(0.001).describe('Base learning rate'),
  momentum: z
    .number()
    .min(0)
    .max(0.9999)
    .default(0.9)
    .describe('Momentum (momentum, nesterov) or decay of the squared average (rmsprop)')
    .meta({ showIf: { optimizer: ['momentum', 'nesterov', 'rmsprop'] } }),
  beta1: z
    .number()
    .min(0)
    .max(0.9999)
    .default(0.9)
    .describe('Adam: decay of the running mean of gradients')
    .meta({ showIf: { optimizer: ['adam', 'adamw'] } }),
  beta2: z
    .number()
    .min(0)
    .max(0.99999)
    .default(0.999)
    .describe('Adam: decay of the running mean of squared gradients')
    .meta({ showIf: { optimizer: ['adam', 'adamw'] } }),
  epsilon: z
    .number()
    .positive()
    .default(1e-7)
    .describe('Small constant added to the denominator for numerical stability')
    .meta({ showIf: { optimizer: ['adam', 'adamw', 'rmsprop'] } }),
  weightDecay: z.number().min(0).default(0).describe('L2 penalty (decoupled for adamw)'),
  clipNorm: z.number().min(0).default(0).describe('Clip the global gradient norm to this value; 0 = no clipping'),
  schedule: z
    .enum(['constant', 'step', 'exponential', 'cosine', 'plateau'])
    .default('constant')
    .describe('Learning-rate schedule'),
  warmupEpochs: z.number().min(0).default(0).describe('Linear warmup of the learning rate over this many epochs'),
  stepSize: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('step: epochs between reductions')
    .meta({ showIf: { schedule: ['step'] } }),
  gamma: z
    .number()
    .positive()
    .max(1)
    .default(0.1)
    .describe('step / exponential: decay factor')
    .meta({ showIf: { schedule: ['step', 'exponential'] } }),
  minLr: z
    .number()
    .min(0)
    .default(0)
    .describe('cosine / plateau: lowest learning rate')
    .meta({ showIf: { schedule: ['cosine', 'plateau'] } }),
  plateauPatience: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('plateau: epochs without improvement before reducing')
    .meta({ showIf: { schedule: ['plateau'] } }),
  plateauFactor: z
    .number()
    .positive()
    .max(1)
    .default(0.1)
    .describe('plateau: reduction factor')
    .meta({ showIf: { schedule: ['plateau'] } }),
  target: z
    .enum(['label', 'input'])
    .default('label')
    .describe(
      'What the model learns to output: the dataset’s label, or its own input features (autoencoder, VAE: the loss is summed over each sample’s features)',
    ),
  loss: z
    .enum(['auto', 'cross_entropy', 'binary_cross_entropy', 'mse', 'mae', 'huber'])
    .default('auto')
    .describe(
      'auto: cross-entropy for classification, MSE for regression and reconstruction; binary_cross_entropy reconstructs values in [0, 1]',
    ),
  labelSmoothing: z
    .number()
    .min(0)
    .max(0.5)
    .default(0)
    .describe('Cross-entropy: move this share of each target towards the uniform distribution'),
  classWeights: z
    .union([z.enum(['none', 'balanced']), z.array(z.number().min(0))])
    .default('none')
    .describe('Per-class loss weights: none, balanced (n / (k × count)), or one number per class'),
  validationFraction: z
    .number()
    .min(0)
    .max(0.9)
    .default(0.1)
    .describe('Share of training rows held out for validation when the dataset has no validation split'),
  shuffle: z.boolean().default(true).describe('Reshuffle the training rows every epoch'),
  seed: z.number().int().default(42).describe('Seed of weight initialisation, shuffling and dropout'),
  earlyStopping: z.boolean().default(false).describe('Stop when the monitored metric stops improving'),
  monitor: z
    .string()
    .default('val_loss')
    .describe('Metric early stopping and best-weights tracking watch, e.g. val_loss, val_accuracy'),
  patience: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Early stopping: epochs without improvement before stopping')
    .meta({ showIf: { earlyStopping: [true] } }),
  minDelta: z
    .number()
    .min(0)
    .default(0)
    .describe('Early stopping: smallest change of the monitored metric that counts as an improvement')
    .meta({ showIf: { earlyStopping: [true] } }),
  restoreBest: z.boolean().default(true).describe('Return the weights of the best epoch of the monitored metric'),
  checkpoint: z.boolean().default(false).describe('Also write the best model so far to <workspace>/<node>.best.onnx'),
  temperature: z
    .number()
    .positive()
    .max(100)
    .default(4)
    .describe('Distillation (teacher connected): softmax temperature of teacher and student logits'),
  alpha: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Distillation (teacher connected): weight of the task loss; the teacher term gets 1 − alpha'),
  provider: z
    .enum(['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'])
    .default('auto')
    .describe('Execution provider; auto picks a GPU when present, else CPU'),
  threads: threadsParam(
    'Threads; n > 1 splits each batch over n data-parallel workers when the model and batch allow it (else n intra-op threads); 0 = one worker per core when that pays',
  ),
});

export type TrainerParams = z.output<typeof trainerParams>;

export const trainerNode = defineNode({
  type: 'train.trainer',
  version: 1,
  title: 'Trainer',
  category: 'Training',
  doc:
    'Trains a model on the training split: the model is compiled into one ONNX graph per step (forward, loss, backward, ' +
    'optimizer update) and run by onnxruntime on a GPU provider when one is present, else the CPU. Reports loss and ' +
    'accuracy per epoch on the training and validation splits; early stopping and best-weights restore watch `monitor`. ' +
    'With a teacher connected the loss becomes alpha·task + (1 − alpha)·T²·KL(teacher ‖ student) on logits softened by ' +
    'the temperature T (knowledge distillation). With `init` connected instead of a model spec it fine-tunes that ' +
    'trained model (e.g. one from opt.prune, whose pruning masks stay in the training graph).',
  keywords: ['fit', 'optimizer', 'epochs', 'learn'],
  inputs: [
    { name: 'model', type: { kind: 'ModelSpec' }, optional: true, doc: 'The architecture to train from scratch' },
    { name: 'data', type: { kind: 'Dataset' } },
    {
      name: 'teacher',
      type: { kind: 'TrainedModel' },
      optional: true,
      doc: 'A trained classifier on the same classes and preparation whose softened outputs the student learns from',
    },
    {
      name: 'init',
      type: { kind: 'TrainedModel' },
      optional: true,
      doc: 'A trained Weft model to fine-tune (instead of a model spec): its architecture, weights and pruning masks',
    },
  ],
  outputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    {
      name: 'learner',
      type: { kind: 'Learner' },
      doc: 'The unfitted recipe (model spec and trainer params) and the fitted steps of its training data, for eval.compare',
    },
  ],
  params: trainerParams,
  basic: ['epochs', 'batchSize', 'optimizer', 'lr', 'loss'],
  expensive: true,
  inferOutputs: ({ inputs }) => {
    if (!inputs.model && !inputs.init)
      return { error: 'connect a model spec on "model" (train from scratch) or a trained model on "init" (fine-tune)' };
    if (inputs.model && inputs.init)
      return { error: 'connect either "model" (train from scratch) or "init" (fine-tune a trained model), not both' };
    const data = inputs.data as Extract<PortType, { kind: 'Dataset' }> | undefined;
    const spec = inputs.model as Extract<PortType, { kind: 'ModelSpec' }> | undefined;
    const declared = spec?.inputShape?.slice(1);
    if (data?.featureShape && declared && !shapesCompatible(declared, data.featureShape)) {
      return {
        error:
          `the model's Input takes samples of ${formatDims(declared)} but the dataset's are ${formatDims(data.featureShape)}; ` +
          "set the Input layer's shape to match, or leave it empty to take the dataset's",
      };
    }
    const model: Extract<PortType, { kind: 'TrainedModel' }> = { kind: 'TrainedModel' };
    if (data?.featureShape) model.inputShape = ['batch', ...data.featureShape];
    if (data?.classNames) model.outputShape = ['batch', data.classNames.length];
    const learner: Extract<PortType, { kind: 'Learner' }> = {
      kind: 'Learner',
      learner: 'train.trainer',
      ...(data?.task ? { task: data.task } : {}),
    };
    return { outputs: { model, learner } };
  },
});
