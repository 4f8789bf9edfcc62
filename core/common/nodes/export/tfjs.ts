import { z } from 'zod';
import { defineNode } from '../NodeDefinition';

export const exportTfjsParams = z.object({
  /** Output folder for model.json and the weights file, relative to the pipeline file. */
  path: z
    .string()
    .min(1)
    .default('tfjs-model')
    .meta({ widget: 'folder', save: true })
    .describe('Output folder (model.json, weights.bin, labels.json, preprocess.js), relative to the pipeline file'),
  /** Held-out rows run through the written model and compared with in-app predictions. @default 512 */
  verifyRows: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(512)
    .describe('Held-out rows run through the written model with TF.js and compared with in-app predictions'),
  verifySplit: z
    .string()
    .default('test')
    .describe('The dataset split those rows come from (falls back to validation, then train)'),
});

export const exportTfjsNode = defineNode({
  type: 'export.tfjs',
  version: 1,
  title: 'Export TF.js',
  category: 'Export',
  doc:
    'Writes the trained model in TensorFlow.js layers format (model.json + weights.bin) for `tf.loadLayersModel` in a ' +
    'browser or Node. It takes the assembled feature vector; the fitted preprocessing is listed in the model’s ' +
    'user-defined metadata. The written model is loaded with TF.js and must match in-app predictions within 1e-5.',
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    { name: 'data', type: { kind: 'Dataset' }, optional: true, doc: 'Held-out rows for the verification' },
  ],
  outputs: [],
  params: exportTfjsParams,
});
