import type { z } from 'zod';
import { formatTable, regressionMetrics, splitLabel } from '../../../common/metrics';
import type { evalRegressionParams } from '../../../common/nodes/eval/regression';
import { UserError, type Executor } from '../Executor';
import { finiteOnly, scalarsLine } from './classification';
import { modelOnSplit } from './modelOnSplit';

export const evalRegressionExecutor: Executor<z.output<typeof evalRegressionParams>> = async (ctx) => {
  const where = `eval.regression (${ctx.nodeId})`;
  const { data, split, out } = await modelOnSplit(ctx, where, 'regression');
  const targets = data.targetDim ?? 1;
  if (out.width !== targets)
    throw new UserError(
      `${where}: the model outputs ${out.width} values per row but the dataset has ${targets} targets`,
    );
  const metrics = regressionMetrics({
    split: ctx.params.split,
    ...(split.source ? { splitLabel: splitLabel(ctx.params.split, split) } : {}),
    actual: split.y,
    predicted: out.values,
    targets,
    ...(data.targetName
      ? {
          targetNames:
            targets === 1 ? [data.targetName] : Array.from({ length: targets }, (_, t) => `${data.targetName}[${t}]`),
        }
      : {}),
  });
  ctx.progress(1);
  return {
    outputs: { metrics },
    summary: {
      metrics: finiteOnly(metrics.scalars),
      text: [scalarsLine(metrics.scalars), ...metrics.tables.map(formatTable)].join('\n\n'),
      provider: out.provider,
    },
  };
};
