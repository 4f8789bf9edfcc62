import type { DatasetSplit, DisplayTable, ForecastPlot, SeriesHistory, WindowSpec } from '../values';
import { meanAbsoluteError, rootMeanSquaredError } from './regression';

const EPSILON = 2.220446049250313e-16;

/**
 * Mean absolute percentage error in percent: 100 × scikit-learn's `mean_absolute_percentage_error`,
 * `mean(|y − ŷ| / max(|y|, ε))` over every value (uniform over targets of equal length).
 */
export function meanAbsolutePercentageError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length !== predicted.length)
    throw new Error(`MAPE: ${actual.length} targets but ${predicted.length} predictions`);
  if (actual.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < actual.length; i++)
    s += Math.abs(actual[i] - predicted[i]) / Math.max(Math.abs(actual[i]), EPSILON);
  return (100 * s) / actual.length;
}

/**
 * Symmetric MAPE in percent (0 to 200): `100 · mean(2|ŷ − y| / (|y| + |ŷ|))`, a term with
 * `y = ŷ = 0` counting 0 (the M4 competition's definition).
 */
export function symmetricMeanAbsolutePercentageError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length !== predicted.length)
    throw new Error(`sMAPE: ${actual.length} targets but ${predicted.length} predictions`);
  if (actual.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]) + Math.abs(predicted[i]);
    if (d > 0) s += (2 * Math.abs(predicted[i] - actual[i])) / d;
  }
  return (100 * s) / actual.length;
}

/**
 * Forecast errors of the model and of the naive forecast (the last observed target value, repeated
 * for every horizon step), `n × targets` row-major, and the model's MAE and RMSE as a ratio of the
 * naive one's (below 1: better than naive; the ratio of MAEs is MASE measured on the scored rows).
 */
export function forecastScores(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  naive: ArrayLike<number>,
  targets: number,
): Record<string, number> {
  const of = (p: ArrayLike<number>) => ({
    mae: meanAbsoluteError(actual, p, targets),
    rmse: rootMeanSquaredError(actual, p, targets),
    mape: meanAbsolutePercentageError(actual, p),
    smape: symmetricMeanAbsolutePercentageError(actual, p),
  });
  const model = of(predicted);
  const base = of(naive);
  return {
    ...model,
    naive_mae: base.mae,
    naive_rmse: base.rmse,
    naive_mape: base.mape,
    naive_smape: base.smape,
    mae_vs_naive: model.mae / base.mae,
    rmse_vs_naive: model.rmse / base.rmse,
  };
}

/**
 * A split's targets or predictions (`n × horizon`, as the model sees them: standardized, and
 * changes from the window's last value with `differences`) in the target's original units.
 */
export function toOriginalUnits(
  values: ArrayLike<number>,
  split: DatasetSplit,
  window: WindowSpec,
  series: SeriesHistory,
): Float64Array {
  const s = window.scaling;
  const std = s && s.targetStd > 0 ? s.targetStd : 1;
  const mean = s ? s.targetMean : 0;
  const H = window.horizon;
  const ends = split.windowEnd;
  if (window.differences && !ends) throw new Error('forecast: the split has no windows (not from prep.window)');
  return Float64Array.from(
    values,
    (v, i) => v * std + mean + (window.differences ? series.target[ends![Math.floor(i / H)]] : 0),
  );
}

/** The naive forecast for each sample of a split: its window's last target value, `n × horizon`. */
export function naiveForecast(split: DatasetSplit, window: WindowSpec, series: SeriesHistory): Float64Array {
  const ends = split.windowEnd;
  if (!ends) throw new Error('naive forecast: the split has no windows (not from prep.window)');
  const H = window.horizon;
  const out = new Float64Array(ends.length * H);
  for (let k = 0; k < ends.length; k++) out.fill(series.target[ends[k]], k * H, (k + 1) * H);
  return out;
}

/** The model against the naive forecast, one row each, for the report. */
export function forecastTable(scores: Record<string, number>, splitName: string): DisplayTable {
  const row = (name: string, prefix: string): (string | number)[] => [
    name,
    scores[`${prefix}mae`],
    scores[`${prefix}rmse`],
    scores[`${prefix}mape`],
    scores[`${prefix}smape`],
  ];
  return {
    title: `Forecast vs naive last value (${splitName}, original units; MAPE and sMAPE in %)`,
    columns: ['forecast', 'mae', 'rmse', 'mape', 'smape'],
    rows: [
      row('model', ''),
      row('naive (last value)', 'naive_'),
      ['model / naive', scores.mae_vs_naive, scores.rmse_vs_naive, null, null],
    ],
  };
}

/**
 * History, actual, predicted and naive values at the first horizon step, for the forecast plot;
 * the history and the scored samples are each evenly subsampled to at most `maxHistory` points.
 */
export function forecastPlot(
  split: DatasetSplit,
  window: WindowSpec,
  series: SeriesHistory,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  naive: ArrayLike<number>,
  maxHistory = 2000,
): ForecastPlot {
  const H = window.horizon;
  const ends = split.windowEnd!;
  const sorted = Array.from(ends.keys()).sort((a, b) => ends[a] - ends[b]);
  const every = Math.max(1, Math.ceil(sorted.length / maxHistory));
  const idx = sorted.filter((_, i) => i % every === 0);
  const step = Math.max(1, Math.ceil(series.time.length / maxHistory));
  const history = { time: [] as number[], value: [] as number[] };
  for (let i = 0; i < series.time.length; i += step) {
    history.time.push(series.time[i]);
    history.value.push(series.target[i]);
  }
  return {
    target: window.target,
    timeType: window.timeType,
    history,
    time: idx.map((k) => series.time[ends[k] + 1]),
    actual: idx.map((k) => actual[k * H]),
    predicted: idx.map((k) => predicted[k * H]),
    naive: idx.map((k) => naive[k * H]),
  };
}
