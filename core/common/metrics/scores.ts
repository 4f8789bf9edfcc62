import { accuracy, argmaxRows, balancedAccuracy, logLoss, precisionRecallF1 } from './classification';
import { meanAbsoluteError, meanSquaredError, r2Score } from './regression';
import { rocOneVsRest } from './roc';

/** Metrics eval.compare reports per task, in display order. */
export const CLASSIFICATION_SCORES = ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc', 'log_loss'] as const;
export const REGRESSION_SCORES = ['mse', 'mae', 'r2'] as const;

const LOWER_IS_BETTER = new Set(['log_loss', 'mse', 'mae', 'rmse']);

/** Whether a higher value of `metric` is better (false for losses and errors). */
export function higherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

/**
 * The comparison metrics of one set of predictions, with scikit-learn's definitions. `outputs` is
 * `n × classes` probabilities (classification) or `n × targets` predictions (regression);
 * `roc_auc` is the binary AUC of the second class for two classes, else the one-vs-rest macro AUC
 * (`roc_auc_score(multi_class='ovr', average='macro')`), NaN where a class is absent.
 */
export function predictionScores(
  task: 'classification' | 'regression',
  actual: ArrayLike<number>,
  outputs: ArrayLike<number>,
  width: number,
): Record<string, number> {
  if (task === 'regression') {
    return {
      mse: meanSquaredError(actual, outputs, width),
      mae: meanAbsoluteError(actual, outputs, width),
      r2: r2Score(actual, outputs, width),
    };
  }
  const predicted = argmaxRows(outputs, width);
  const ovr = rocOneVsRest(actual, outputs, width);
  return {
    accuracy: accuracy(actual, predicted),
    balanced_accuracy: balancedAccuracy(actual, predicted, width),
    f1_macro: precisionRecallF1(actual, predicted, width).macro.f1,
    roc_auc: width === 2 ? ovr.curves[1].auc : ovr.macroAuc,
    log_loss: logLoss(actual, outputs, width),
  };
}

/** Mean and population standard deviation (numpy's `mean` and `std`), skipping NaN values. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const v = values.filter((x) => !Number.isNaN(x));
  if (!v.length) return { mean: NaN, std: NaN };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) * (b - mean), 0) / v.length);
  return { mean, std };
}
