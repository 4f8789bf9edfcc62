import type { ForecastPlot } from '../../core/common';
import { alignForecast } from './forecastSeries';
import { UPlotChart } from './UPlotChart';

/** History, actual, predicted and naive one-step-ahead forecasts of a windowed series over time. */
export function ForecastView({ forecast }: { forecast: ForecastPlot }) {
  const a = alignForecast(forecast);
  return (
    <div className="weft-card" data-testid="forecast-plot">
      <h4>Forecast of {forecast.target} (one step ahead)</h4>
      <UPlotChart
        x={a.x}
        series={[
          { label: 'history', values: a.history, color: '#adb5bd', spanGaps: true },
          { label: 'actual', values: a.actual, color: '#212529', spanGaps: true },
          { label: 'predicted', values: a.predicted, color: '#1971c2', spanGaps: true },
          { label: 'naive (last value)', values: a.naive, color: '#e8590c', dash: true, spanGaps: true },
        ]}
        xLabel={forecast.timeType === 'date' ? 'time' : 'step'}
        timeAxis={forecast.timeType === 'date'}
        height={260}
      />
    </div>
  );
}
