import type { DatasetValue } from '../../../common';
import { refuseLazy } from '../../data/splitRows';
import type { ExecutorContext, ExecutorResult } from '../Executor';
import { asUserError } from './asUserError';

/** Runs a dataset → dataset preprocessing step and summarises the transforms it added. */
export function datasetStep<P>(ctx: ExecutorContext<P>, step: (ds: DatasetValue) => DatasetValue): ExecutorResult {
  const input = ctx.inputs.dataset as DatasetValue;
  refuseLazy(input, ctx.nodeId, 'this preprocessing step');
  const dataset = asUserError(ctx.nodeId, () => step(input));
  const added = dataset.transforms.filter((t) => !input.transforms.includes(t));
  return {
    outputs: { dataset },
    summary: {
      text: `${added.length} transforms fitted on train: ${added.map((t) => `${t.kind}(${t.column})`).join(', ') || 'none'}`,
    },
  };
}
