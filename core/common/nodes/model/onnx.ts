import { z } from 'zod';
import { inferenceBatchSize } from '../inferenceParams';
import { defineNode } from '../NodeDefinition';

/** Execution providers a user can ask for; `auto` picks the best one present and reports it. */
export const onnxProviderChoices = ['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'] as const;

export const onnxModelParams = z.object({
  path: z
    .string()
    .default('')
    .describe('ONNX model file, relative to the pipeline file')
    .meta({ widget: 'file', extensions: ['.onnx'] }),
  /** `auto` tries CUDA, WebGPU, DirectML and CoreML where present, CPU otherwise. @default 'auto' */
  provider: z
    .enum(onnxProviderChoices)
    .default('auto')
    .describe('auto tries CUDA, WebGPU, DirectML and CoreML where present, CPU otherwise'),
  /** What the model's output means; `auto` takes the dataset's task, then the model card's, else regression. @default 'auto' */
  task: z
    .enum(['auto', 'classification', 'regression'])
    .default('auto')
    .describe("What the model's output means; auto takes the dataset's task, then the model card's, else regression."),
  /** The output read as probabilities (classification) or predictions; empty takes the first float output. @default '' */
  output: z
    .string()
    .default('')
    .describe('The output read as probabilities (classification) or predictions; empty takes the first float output'),
  /** The dataset split to run on. @default 'test' */
  split: z.string().min(1).default('test').describe('The dataset split to run on'),
  batchSize: inferenceBatchSize,
});

export const onnxModelNode = defineNode({
  type: 'model.onnx',
  version: 1,
  title: 'ONNX Model',
  category: 'Model',
  doc:
    'Loads any .onnx file and lists its inputs and outputs (names, dtypes, shapes). With a dataset connected it runs the ' +
    'model on one split through onnxruntime on the best execution provider present (CUDA, WebGPU, DirectML, CoreML, else ' +
    'CPU; the one used is reported) and outputs predictions. A model with one float input also comes out as a trained ' +
    'model for the evaluation and export nodes. Weft exports with raw inputs (numeric, categorical) are fed the split’s raw columns.',
  inputs: [{ name: 'data', type: { kind: 'Dataset' }, optional: true, doc: 'Rows to run the model on' }],
  outputs: [
    { name: 'predictions', type: { kind: 'Predictions' }, doc: 'Labels and probabilities, or values (needs data)' },
    { name: 'model', type: { kind: 'TrainedModel' }, doc: 'The model for eval and export nodes (one float input)' },
  ],
  params: onnxModelParams,
  fingerprint: (p) => (p.path ? [p.path] : []),
});
