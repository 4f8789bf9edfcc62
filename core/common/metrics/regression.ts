/**
 * Regression metrics with scikit-learn's definitions. Values are row-major `n × targets`;
 * multi-target scores are the uniform average over targets (`multioutput='uniform_average'`).
 */

function targetsOf(actual: ArrayLike<number>, predicted: ArrayLike<number>, targets: number): number {
  if (actual.length !== predicted.length)
    throw new Error(`regression metrics: ${actual.length} targets but ${predicted.length} predictions`);
  if (targets < 1 || actual.length % targets !== 0)
    throw new Error(`regression metrics: ${actual.length} values do not split into ${targets} targets`);
  return actual.length / targets;
}

function averagePerTarget(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  targets: number,
  perTarget: (t: number, n: number) => number,
): number {
  const n = targetsOf(actual, predicted, targets);
  if (n === 0) return NaN;
  let sum = 0;
  for (let t = 0; t < targets; t++) sum += perTarget(t, n);
  return sum / targets;
}

/** Mean squared error (sklearn `mean_squared_error`). */
export function meanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>, targets = 1): number {
  return averagePerTarget(actual, predicted, targets, (t, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (actual[i * targets + t] - predicted[i * targets + t]) ** 2;
    return s / n;
  });
}

/** Root mean squared error: per target `sqrt(MSE)`, then averaged (sklearn `root_mean_squared_error`). */
export function rootMeanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>, targets = 1): number {
  return averagePerTarget(actual, predicted, targets, (t, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (actual[i * targets + t] - predicted[i * targets + t]) ** 2;
    return Math.sqrt(s / n);
  });
}

/** Mean absolute error (sklearn `mean_absolute_error`). */
export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>, targets = 1): number {
  return averagePerTarget(actual, predicted, targets, (t, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(actual[i * targets + t] - predicted[i * targets + t]);
    return s / n;
  });
}

/**
 * Coefficient of determination `1 − SS_res / SS_tot` (sklearn `r2_score`, `force_finite=True`):
 * a constant target scores 1 when predicted exactly and 0 otherwise.
 */
export function r2Score(actual: ArrayLike<number>, predicted: ArrayLike<number>, targets = 1): number {
  return averagePerTarget(actual, predicted, targets, (t, n) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += actual[i * targets + t];
    mean /= n;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < n; i++) {
      const y = actual[i * targets + t];
      ssRes += (y - predicted[i * targets + t]) ** 2;
      ssTot += (y - mean) ** 2;
    }
    if (ssTot === 0) return ssRes === 0 ? 1 : 0;
    return 1 - ssRes / ssTot;
  });
}

/** `actual − predicted` for every value. */
export function residuals(actual: ArrayLike<number>, predicted: ArrayLike<number>): Float64Array {
  if (actual.length !== predicted.length)
    throw new Error(`residuals: ${actual.length} targets but ${predicted.length} predictions`);
  return Float64Array.from({ length: actual.length }, (_, i) => actual[i] - predicted[i]);
}
