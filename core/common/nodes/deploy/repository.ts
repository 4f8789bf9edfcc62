import { z } from 'zod';
import { defineNode } from '../NodeDefinition';

export const deployRepositoryParams = z.object({
  /** The model repository folder (Triton's layout), relative to the pipeline file. */
  path: z
    .string()
    .min(1)
    .default('model-repository')
    .meta({ widget: 'folder', save: true })
    .describe("The model repository folder (Triton's layout), relative to the pipeline file."),
  /** The model's name in the repository and in URLs: letters, digits, `_`, `.`, `-`. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'use letters, digits, _ . - (not starting with . or -)')
    .default('model')
    .describe("The model's name in the repository and in URLs: letters, digits, _, ., -."),
  /** Held-out rows the exported file must reproduce before it is published. @default 512 */
  verifyRows: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(512)
    .describe('Held-out rows the exported file must reproduce before it is published'),
  /** The dataset split those rows come from. @default 'test' */
  verifySplit: z.string().default('test').describe('The dataset split those rows come from'),
});

export const deployRepositoryNode = defineNode({
  type: 'deploy.repository',
  version: 1,
  title: 'Publish to model repository',
  category: 'Export',
  doc:
    'Exports the trained model as a verified ONNX file (as Export ONNX does) and publishes it as the next version of a ' +
    "named model in a local model repository in Triton's layout (<name>/config.pbtxt, <name>/<version>/model.onnx, " +
    'with the model card beside it), ready for `weft serve`, which loads new versions without a restart. Publishing ' +
    'the same model again does not add a version: the file is compared by content hash with the versions already there.',
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    { name: 'data', type: { kind: 'Dataset' }, optional: true, doc: 'Held-out rows for the verification' },
    { name: 'metrics', type: { kind: 'Metrics' }, optional: true, doc: 'Scores for the model card' },
  ],
  outputs: [],
  params: deployRepositoryParams,
});
