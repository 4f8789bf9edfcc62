import { z } from 'zod';
import { inferenceBatchSize } from '../inferenceParams';
import { defineNode } from '../NodeDefinition';

export const evalPredictParams = z.object({
  /** Which dataset split to predict. @default 'test' */
  split: z.string().min(1).default('test').describe('Which dataset split to predict'),
  /** Optional CSV file for the predictions (relative to the pipeline file); empty writes nothing. */
  path: z
    .string()
    .default('')
    .meta({ widget: 'file', extensions: ['.csv'], save: true })
    .describe('Optional CSV file for the predictions (relative to the pipeline file); empty writes nothing'),
  /** Also write the split's raw input columns (tabular data) or image files next to the predictions. @default false */
  inputColumns: z
    .boolean()
    .default(false)
    .describe("Also write the split's raw input columns (tabular data) or image files next to the predictions"),
  batchSize: inferenceBatchSize,
});

export const evalPredict = defineNode({
  type: 'eval.predict',
  version: 1,
  title: 'Predict',
  category: 'Evaluate',
  doc:
    'Runs a trained model on one split of a dataset: predicted labels and class probabilities (classification) or values ' +
    '(regression), with the ground truth where the dataset has it. Optionally writes them to a CSV file: the row number in the ' +
    'source file (kept through shuffles and splits) first, so predictions join back to their rows, and with inputColumns the raw inputs. ' +
    "On time-series windows (prep.window) values are in the target's original units and the row is the first forecast row.",
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    { name: 'data', type: { kind: 'Dataset' } },
  ],
  outputs: [{ name: 'predictions', type: { kind: 'Predictions' } }],
  params: evalPredictParams,
});
