import type { DatasetValue } from '../../../common';
import { augmentDataset } from '../../../common/nodes/prep/augmentImages';
import type { AugmentParams } from '../../../common/nodes/prep/augment';
import { refuseLazy } from '../../data/splitRows';
import { throwIfAborted, type Executor } from '../Executor';
import { asUserError } from './asUserError';

export const augmentExecutor: Executor<AugmentParams> = async (ctx) => {
  const input = ctx.inputs.dataset as DatasetValue;
  refuseLazy(input, ctx.nodeId, 'prep.augment');
  const dataset = asUserError(ctx.nodeId, () =>
    augmentDataset(input, ctx.params, (done, total) => {
      throwIfAborted(ctx.signal);
      ctx.progress(done / total, `copy ${done} of ${total}`);
    }),
  );
  const before = input.splits.train?.n ?? 0;
  return {
    outputs: { dataset },
    summary: {
      text: `train ${before} → ${dataset.splits.train.n} images (${ctx.params.copies} augmented copies); validation and test unchanged`,
    },
  };
};
