import type { MetricsValue } from '../../core/common';
import { ConfusionMatrix } from './ConfusionMatrix';
import { DataTable } from './DataTable';
import { ComparisonView } from './ComparisonView';
import { CompressionView } from './CompressionView';
import { ForecastView } from './ForecastView';
import { ImportanceView } from './ImportanceView';
import { RocCurves } from './RocCurves';
import { UPlotChart } from './UPlotChart';

function Residuals({ residuals }: { residuals: NonNullable<MetricsValue['residuals']> }) {
  const order = residuals.predicted
    .map((_, i) => i)
    .sort((a, b) => (residuals.predicted[a] ?? 0) - (residuals.predicted[b] ?? 0));
  const x = order.map((i) => residuals.predicted[i] ?? 0);
  const y = order.map((i) => residuals.residual[i] ?? 0);
  return (
    <div className="weft-card" data-testid="residual-plot">
      <h4>Residuals vs predicted</h4>
      <UPlotChart
        x={x}
        series={[{ label: 'residual', values: y, color: '#1971c2' }]}
        xLabel="predicted"
        height={240}
        scatter
      />
    </div>
  );
}

/** Metrics of an evaluation: headline numbers, tables, confusion matrix, ROC or residuals. */
export function MetricsView({ metrics }: { metrics: MetricsValue }) {
  return (
    <div className="weft-metrics" data-testid="metrics-view">
      <div className="weft-scalars">
        {Object.entries(metrics.comparison || metrics.compression ? {} : metrics.scalars).map(([k, v]) => (
          <div className="weft-scalar" key={k} data-testid={`metric-${k}`}>
            <span className="weft-scalar-value">{Number.isInteger(v) ? v : v.toFixed(4)}</span>
            <span className="weft-scalar-name">{k}</span>
          </div>
        ))}
      </div>
      <div className="weft-muted">
        {metrics.task}, split “{metrics.splitLabel ?? metrics.split}”
      </div>
      {metrics.comparison && (
        <ComparisonView
          comparison={metrics.comparison}
          {...(metrics.classNames ? { classNames: metrics.classNames } : {})}
        />
      )}
      {metrics.compression && <CompressionView compression={metrics.compression} />}
      {metrics.importance && <ImportanceView importance={metrics.importance} />}
      {metrics.forecast && <ForecastView forecast={metrics.forecast} />}
      <div className="weft-result-grid">
        {metrics.confusion && (
          <div className="weft-card">
            <h4>Confusion matrix</h4>
            <ConfusionMatrix
              matrix={metrics.confusion}
              {...(metrics.classNames ? { classNames: metrics.classNames } : {})}
            />
          </div>
        )}
        {metrics.roc && metrics.roc.length > 0 && <RocCurves roc={metrics.roc} />}
        {metrics.residuals && <Residuals residuals={metrics.residuals} />}
      </div>
      {metrics.tables.slice(metrics.comparison || metrics.importance || metrics.compression ? 1 : 0).map((t) => (
        <div className="weft-card" key={t.title}>
          <h4>{t.title}</h4>
          <DataTable columns={t.columns} rows={t.rows} />
        </div>
      ))}
    </div>
  );
}
