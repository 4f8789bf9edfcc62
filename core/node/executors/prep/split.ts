import type { TableValue } from '../../../common';
import { splitLabel } from '../../../common/metrics/splitLabel';
import type { SplitParams } from '../../../common/nodes/prep/split';
import { splitTable } from '../../../common/nodes/prep/splitTable';
import { type Executor } from '../Executor';
import { asUserError } from './asUserError';

export const splitExecutor: Executor<SplitParams> = async (ctx) => {
  const table = ctx.inputs.table as TableValue;
  const test = ctx.inputs.test as TableValue | undefined;
  const { dataset, warnings } = asUserError(ctx.nodeId, () => splitTable(table, ctx.params, test));
  for (const w of warnings) ctx.log(w, 'warn');
  const sizes = Object.entries(dataset.splits).map(([k, s]) => (s.source ? splitLabel(k, s) : `${k} ${s.n}`));
  return {
    outputs: { dataset },
    summary: {
      text: `${dataset.task}, ${dataset.featureShape[0]} features${dataset.classNames ? `, ${dataset.classNames.length} classes` : ''}; ${sizes.join(', ')}`,
    },
  };
};
