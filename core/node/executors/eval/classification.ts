import type { z } from 'zod';
import { classificationMetrics, formatTable, splitLabel } from '../../../common/metrics';
import type { evalClassificationParams } from '../../../common/nodes/eval/classification';
import { checkClassCount } from '../../inference/predictions';
import type { Executor } from '../Executor';
import { modelOnSplit } from './modelOnSplit';

export const evalClassificationExecutor: Executor<z.output<typeof evalClassificationParams>> = async (ctx) => {
  const where = `eval.classification (${ctx.nodeId})`;
  const { model, data, split, out } = await modelOnSplit(ctx, where, 'classification');
  const classNames = data.classNames ?? model.classNames ?? [];
  checkClassCount(out.width, classNames.length, where, `the model outputs ${out.width} class probabilities`);
  const metrics = classificationMetrics({
    split: ctx.params.split,
    ...(split.source ? { splitLabel: splitLabel(ctx.params.split, split) } : {}),
    actual: split.y,
    probabilities: out.values,
    classNames,
    topK: ctx.params.topK,
  });
  ctx.progress(1);
  const headline = ['accuracy', 'balanced_accuracy', 'f1_macro', 'log_loss', 'roc_auc', 'roc_auc_ovr_macro'];
  return {
    outputs: { metrics },
    summary: {
      metrics: Object.fromEntries(
        headline.filter((k) => metrics.scalars[k] !== undefined).map((k) => [k, metrics.scalars[k]]),
      ),
      text: [scalarsLine(metrics.scalars), ...metrics.tables.map(formatTable)].join('\n\n'),
      provider: out.provider,
    },
  };
};

/** Drops NaN and infinite values (an AUC with an absent class), which JSON and the summary schema cannot carry. */
export function finiteOnly(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => Number.isFinite(v)));
}

/** `name=value` pairs, four decimals, for the CLI's first line. */
export function scalarsLine(scalars: Record<string, number>): string {
  return Object.entries(scalars)
    .map(([k, v]) => `${k}=${Number.isNaN(v) ? 'n/a' : v.toFixed(4)}`)
    .join('  ');
}
