import { z } from 'zod';
import { inferenceBatchSize } from '../inferenceParams';
import type { PortSpec } from '../NodeDefinition';
import { defineNode } from '../NodeDefinition';

/** How many models one eval.compression node takes (ports `model1` … `model6`). */
export const COMPRESSION_SLOTS = 6;

export const evalCompressionParams = z.object({
  /** Which dataset split's labelled rows give every model's accuracy. @default 'test' */
  split: z.string().min(1).default('test').describe("Which dataset split's labelled rows give every model's accuracy"),
  /** A model this far below model1's accuracy (a share: 0.02 is 2 points) is flagged. @default 0.02 */
  maxAccuracyDrop: z
    .number()
    .min(0)
    .max(1)
    .default(0.02)
    .describe("Warn when a model's accuracy is more than this share below model1's (0.02 = 2 points)"),
  batchSize: inferenceBatchSize,
});

export type EvalCompressionParams = z.output<typeof evalCompressionParams>;

const modelPorts: PortSpec[] = Array.from({ length: COMPRESSION_SLOTS }, (_, i) => ({
  name: `model${i + 1}`,
  type: { kind: 'TrainedModel' },
  optional: i > 0,
  doc:
    i === 0
      ? 'The reference (e.g. the teacher): every ratio in the report is against it'
      : 'A smaller model of the same task (student, pruned, int8...)',
}));

export const evalCompression = defineNode({
  type: 'eval.compression',
  version: 1,
  title: 'Compression report',
  category: 'Evaluate',
  keywords: ['compare models', 'distillation', 'pruning', 'quantization', 'int8', 'latency', 'model size'],
  doc:
    'Puts trained classifiers side by side, e.g. a teacher, its distilled student, the pruned student and its int8 version: ' +
    'accuracy on one split, parameters (counted from the ONNX weight tensors), file size and median onnxruntime latency at ' +
    'batch 1 and 256 (CPU, one thread), each with its ratio against model1. All models are scored on the same rows and ' +
    'must have been trained on data prepared like the connected dataset.',
  basic: ['split', 'maxAccuracyDrop'],
  inputs: [...modelPorts, { name: 'data', type: { kind: 'Dataset', task: 'classification' } }],
  outputs: [{ name: 'metrics', type: { kind: 'Metrics' } }],
  params: evalCompressionParams,
  expensive: true,
});
