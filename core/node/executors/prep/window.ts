import type { TableValue } from '../../../common';
import type { WindowParams } from '../../../common/nodes/prep/window';
import { windowSeries } from '../../../common/nodes/prep/windowSeries';
import { type Executor } from '../Executor';
import { asUserError } from './asUserError';

export const windowExecutor: Executor<WindowParams> = async (ctx) => {
  const table = ctx.inputs.table as TableValue;
  const { dataset, warnings } = asUserError(ctx.nodeId, () => windowSeries(table, ctx.params));
  for (const w of warnings) ctx.log(w, 'warn');
  const w = dataset.window!;
  const sizes = Object.entries(dataset.splits).map(([k, s]) => `${k} ${s.n}`);
  const scaled = w.scaling
    ? `; '${w.target}' scaled with training mean ${w.scaling.targetMean.toPrecision(6)}, std ${w.scaling.targetStd.toPrecision(4)}`
    : '';
  return {
    outputs: { dataset },
    summary: {
      text:
        `windows [${w.lookback}, ${w.features.length}] (${w.features.join(', ')}) → ${w.horizon} step${w.horizon > 1 ? 's' : ''} of '${w.target}', stride ${w.stride}; ` +
        `${sizes.join(', ')} samples${scaled}`,
    },
  };
};
