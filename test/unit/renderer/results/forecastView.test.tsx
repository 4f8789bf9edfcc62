import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ForecastPlot, MetricsValue } from '../../../../core/common';
import { alignForecast } from '../../../../renderer/results/forecastSeries';
import { MetricsView } from '../../../../renderer/results/MetricsView';

const day = 86_400_000;
const forecast: ForecastPlot = {
  target: 'CO2',
  timeType: 'date',
  history: { time: [0, 2 * day, 4 * day], value: [1, 3, 5] },
  time: [3 * day, 4 * day],
  actual: [4, 5],
  predicted: [4.5, 5.5],
  naive: [3, 4],
};

describe('forecast result view', () => {
  it('puts history and scored samples on one time axis in seconds, null where a line has no point', () => {
    expect(alignForecast(forecast)).toEqual({
      x: [0, 172_800, 259_200, 345_600],
      history: [1, 3, null, 5],
      actual: [null, null, 4, 5],
      predicted: [null, null, 4.5, 5.5],
      naive: [null, null, 3, 4],
    });
    expect(alignForecast({ ...forecast, timeType: 'number' }).x).toEqual([0, 2 * day, 3 * day, 4 * day]);
  });

  it('shows the forecast card in the metrics view of a windowed evaluation only', () => {
    const metrics: MetricsValue = {
      task: 'regression',
      split: 'test',
      scalars: { mae: 0.4, naive_mae: 1.2 },
      tables: [],
    };
    expect(renderToStaticMarkup(<MetricsView metrics={metrics} />)).not.toContain('forecast-plot');
    const html = renderToStaticMarkup(<MetricsView metrics={{ ...metrics, forecast }} />);
    expect(html).toContain('data-testid="forecast-plot"');
    expect(html).toContain('Forecast of CO2 (one step ahead)');
    expect(html).toContain('data-testid="metric-naive_mae"');
  });
});
