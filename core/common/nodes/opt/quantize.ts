import { z } from 'zod';
import { defineNode } from '../NodeDefinition';
import { int8Params } from './int8Params';

export const optQuantizeParams = z.object({
  ...int8Params(),
  /** Split whose labelled rows measure the accuracy change (falls back to validation, then train). @default 'test' */
  evalSplit: z
    .string()
    .min(1)
    .default('test')
    .describe('Split whose labelled rows measure the accuracy change (falls back to validation, then train)'),
  /** Rows of that split run through both models for agreement, accuracy and latency. @default 2000 */
  evalRows: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(2000)
    .describe('Rows of that split run through both models for agreement, accuracy and latency'),
});

export const optQuantizeNode = defineNode({
  type: 'opt.quantize',
  version: 1,
  title: 'Quantize int8',
  category: 'Training',
  keywords: ['int8', 'qdq', 'compress', 'calibration', 'static quantization'],
  doc:
    'Static int8 quantization of a trained model (QDQ: QuantizeLinear/DequantizeLinear pairs): convolution and dense ' +
    'weights become int8 with one scale per output channel, activations uint8 or int8 with scales calibrated on the ' +
    "dataset's training rows (min-max or a percentile). Scales are fixed, so a row's result never depends on its batch. " +
    'Reports the accuracy change on labelled rows, both file sizes and the measured onnxruntime latency at batch 1 and 256, ' +
    'and warns when accuracy drops more than maxAccuracyDrop or calibration had few rows. The output model runs, ' +
    'evaluates and exports to ONNX like any other.',
  basic: ['calibration', 'calibrationRows', 'maxAccuracyDrop'],
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    {
      name: 'data',
      type: { kind: 'Dataset' },
      doc: 'Training rows to calibrate on; labelled rows to measure the accuracy change',
    },
  ],
  outputs: [{ name: 'model', type: { kind: 'TrainedModel' } }],
  params: optQuantizeParams,
  inferOutputs: ({ inputs }) => ({ outputs: { model: inputs.model ?? { kind: 'TrainedModel' } } }),
});
