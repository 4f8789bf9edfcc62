import { z } from 'zod';
import { defineNode } from '../NodeDefinition';

export const pruneParams = z.object({
  method: z
    .enum(['magnitude', 'structured'])
    .default('magnitude')
    .describe(
      'magnitude: zero the smallest weights of dense and conv kernels (same file size, sparse weights); ' +
        'structured: remove whole neurons / conv channels with the smallest L2 norm (a smaller, faster model)',
    ),
  sparsity: z
    .number()
    .min(0, 'sparsity must be at least 0 (0 prunes nothing)')
    .lt(1, 'sparsity must be below 1 (1 would remove every weight); e.g. 0.5 prunes half')
    .default(0.5)
    .describe('Share of kernel weights (magnitude) or of each layer’s units (structured) to remove, in [0, 1)'),
  scope: z
    .enum(['global', 'layer'])
    .default('global')
    .describe('magnitude: one threshold over all kernels, or the same share in every layer')
    .meta({ showIf: { method: ['magnitude'] } }),
  schedule: z
    .enum(['oneshot', 'gradual'])
    .default('oneshot')
    .describe(
      'magnitude: when this model is fine-tuned by train.trainer (init input), keep the masks fixed (oneshot) or ' +
        'start from the dense weights and raise the sparsity to the target over the first half of the epochs (gradual)',
    )
    .meta({ showIf: { method: ['magnitude'] } }),
  split: z.string().min(1).default('test').describe('Split of the connected dataset to measure accuracy on'),
});

export type PruneParams = z.output<typeof pruneParams>;

export const pruneNode = defineNode({
  type: 'opt.prune',
  version: 1,
  title: 'Prune',
  category: 'Training',
  doc:
    'Prunes a trained Weft neural model. Magnitude pruning zeroes the weights of dense and conv kernels with the ' +
    'smallest |w| to a sparsity target (over all kernels or per layer); the masks stay in the training graph when the ' +
    'model is fine-tuned through train.trainer (connect it to the trainer’s init input). Structured pruning removes ' +
    'the neurons of dense layers and the channels of conv layers with the smallest L2 norm and shrinks the layers, ' +
    'so the exported ONNX is smaller and faster. Reports parameters, ONNX file size, onnxruntime batch-1 latency ' +
    '(CPU, one thread) and, with a dataset connected, accuracy before and after.',
  keywords: ['sparsity', 'compress', 'shrink', 'magnitude', 'neurons'],
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    {
      name: 'data',
      type: { kind: 'Dataset' },
      optional: true,
      doc: 'Held-out rows to measure accuracy before and after pruning',
    },
  ],
  outputs: [{ name: 'model', type: { kind: 'TrainedModel' } }],
  params: pruneParams,
  basic: ['method', 'sparsity', 'scope'],
  inferOutputs: ({ inputs }) => ({ outputs: { model: inputs.model ?? { kind: 'TrainedModel' } } }),
});
