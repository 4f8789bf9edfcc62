import { z } from 'zod';
import { defineNode } from '../NodeDefinition';
import { int8Params } from '../opt/int8Params';

export const exportOnnxParams = z.object({
  /** Output file, relative to the pipeline file. */
  path: z
    .string()
    .min(1)
    .default('model.onnx')
    .meta({ widget: 'file', extensions: ['.onnx'], save: true })
    .describe('Output file, relative to the pipeline file'),
  /**
   * Also try int8: static QDQ calibrated on the dataset's training rows when a dataset is connected
   * (dynamic otherwise); reports size, latency and accuracy change, and writes `<name>.int8.onnx`
   * when it pays. @default false
   */
  quantize: z
    .boolean()
    .default(false)
    .describe(
      "Also try int8: static (calibrated on the dataset's training rows) when a dataset is connected, dynamic otherwise; reports size, latency and accuracy change, and writes <name>.int8.onnx when it pays",
    ),
  /** Write the int8 file even when it is not smaller and faster than the float one. @default false */
  quantizeForce: z
    .boolean()
    .default(false)
    .meta({ showIf: { quantize: [true] } })
    .describe('Write the int8 file even when it is not smaller and faster than the float one'),
  ...int8Params({ quantize: [true] }),
  /** Held-out rows run through the written file and compared with in-app predictions. @default 512 */
  verifyRows: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(512)
    .describe('Held-out rows run through the written file and compared with in-app predictions'),
  /** The dataset split those rows come from (falls back to validation, then train). @default 'test' */
  verifySplit: z
    .string()
    .default('test')
    .describe('The dataset split those rows come from (falls back to validation, then train)'),
});

export const exportOnnxNode = defineNode({
  type: 'export.onnx',
  version: 1,
  title: 'Export ONNX',
  category: 'Export',
  doc:
    'Writes the trained model as one ONNX file (opset ≥ 17) with the fitted preprocessing inside: raw rows go in (input ' +
    '`numeric` float64 and, with categorical columns, `categorical` string), class probabilities and label indices come ' +
    'out. Class names and a model card sit in metadata_props. The written file is run on held-out rows and must match ' +
    'in-app predictions within 1e-5, or the export fails. Connect the dataset for the held-out rows (otherwise synthetic ' +
    'rows are used) and metrics for the model card. With quantize on it also tries an int8 file: static QDQ calibrated on ' +
    "the dataset's training rows when the dataset is connected, dynamic otherwise.",
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    {
      name: 'data',
      type: { kind: 'Dataset' },
      optional: true,
      doc: 'Held-out rows for the verification; training rows to calibrate int8',
    },
    { name: 'metrics', type: { kind: 'Metrics' }, optional: true, doc: 'Scores for the model card' },
  ],
  outputs: [],
  params: exportOnnxParams,
});
