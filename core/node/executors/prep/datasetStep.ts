import type { DatasetValue } from '../../../common';
import { refuseLazy } from '../../data/splitRows';
import { UserError, type ExecutorContext, type ExecutorResult } from '../Executor';
import { asUserError } from './asUserError';

/** Runs a dataset → dataset preprocessing step and summarises the transforms it added. */
export function datasetStep<P>(ctx: ExecutorContext<P>, step: (ds: DatasetValue) => DatasetValue): ExecutorResult {
  const input = ctx.inputs.dataset as DatasetValue;
  refuseLazy(input, ctx.nodeId, 'this preprocessing step');
  if (input.window)
    throw new UserError(
      `node ${ctx.nodeId}: the dataset is time-series windows from prep.window, whose values are not table columns; ` +
        "scale them with prep.window's scale param (fitted on the training period) and feed its dataset to the trainer directly",
    );
  const dataset = asUserError(ctx.nodeId, () => step(input));
  const added = dataset.transforms.filter((t) => !input.transforms.includes(t));
  return {
    outputs: { dataset },
    summary: {
      text: `${added.length} transforms fitted on train: ${added.map((t) => `${t.kind}(${t.column})`).join(', ') || 'none'}`,
    },
  };
}
