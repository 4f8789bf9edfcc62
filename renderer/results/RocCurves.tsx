import type { MetricsValue } from '../../core/common';
import { UPlotChart, seriesColor } from './UPlotChart';

/** ROC curves on one plot, each with its AUC, and the chance diagonal. */
export function RocCurves({ roc, title = 'ROC curve' }: { roc: NonNullable<MetricsValue['roc']>; title?: string }) {
  const grid = Array.from({ length: 101 }, (_, i) => i / 100);
  /** tpr at each fpr grid point (step interpolation), so every curve shares one x axis. */
  const at = (fpr: number[], tpr: number[], x: number): number => {
    let y = 0;
    for (let i = 0; i < fpr.length && (fpr[i] ?? 2) <= x; i++) y = tpr[i] ?? y;
    return y;
  };
  const series = [
    ...roc.map((c, i) => ({
      label: `${c.label} (AUC ${Number.isNaN(c.auc) ? 'n/a' : c.auc.toFixed(3)})`,
      values: grid.map((x) => at(c.fpr, c.tpr, x)),
      color: seriesColor(i),
    })),
    { label: 'chance', values: grid, color: '#adb5bd', dash: true },
  ];
  return (
    <div className="weft-card" data-testid="roc-curve">
      <h4>{title}</h4>
      <UPlotChart x={grid} series={series} xLabel="false positive rate" height={240} />
    </div>
  );
}
