import type { z } from 'zod';
import type { DatasetSplit, DatasetValue, MetricsValue } from '../../../common';
import {
  forecastPlot,
  forecastScores,
  forecastTable,
  formatTable,
  naiveForecast,
  regressionMetrics,
  splitLabel,
  toOriginalUnits,
} from '../../../common/metrics';
import type { evalRegressionParams } from '../../../common/nodes/eval/regression';
import { UserError, type Executor } from '../Executor';
import { finiteOnly, scalarsLine } from './classification';
import { modelOnSplit } from './modelOnSplit';

/** For a windowed series: scores in original units, against the naive last-value forecast, with the forecast plot. */
function withForecast(
  metrics: MetricsValue,
  data: DatasetValue,
  split: DatasetSplit,
  predicted: Float32Array,
): MetricsValue {
  const { window, series } = data;
  if (!window || !series || !split.windowEnd) return metrics;
  const actual = toOriginalUnits(split.y, split, window, series);
  const pred = toOriginalUnits(predicted, split, window, series);
  const naive = naiveForecast(split, window, series);
  const base = regressionMetrics({
    split: metrics.split,
    ...(metrics.splitLabel ? { splitLabel: metrics.splitLabel } : {}),
    actual,
    predicted: pred,
    targets: window.horizon,
    targetNames:
      window.horizon === 1
        ? [window.target]
        : Array.from({ length: window.horizon }, (_, h) => `${window.target} t+${h + 1}`),
  });
  const scores = forecastScores(actual, pred, naive, window.horizon);
  return {
    ...base,
    scalars: { ...base.scalars, ...scores },
    tables: [forecastTable(scores, metrics.splitLabel ?? metrics.split), ...base.tables],
    forecast: forecastPlot(split, window, series, actual, pred, naive),
  };
}

export const evalRegressionExecutor: Executor<z.output<typeof evalRegressionParams>> = async (ctx) => {
  const where = `eval.regression (${ctx.nodeId})`;
  const { data, split, out } = await modelOnSplit(ctx, where, 'regression');
  const targets = data.targetDim ?? 1;
  if (out.width !== targets)
    throw new UserError(
      `${where}: the model outputs ${out.width} values per row but the dataset has ${targets} targets`,
    );
  const metrics = withForecast(
    regressionMetrics({
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
    }),
    data,
    split,
    out.values,
  );
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
