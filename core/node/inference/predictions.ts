import type { DatasetSplit, PredictionsValue } from '../../common';
import { argmaxRows } from '../../common/metrics';
import { UserError } from '../executors/Executor';

/**
 * Throws a UserError when a classifier's output rows do not hold one value per dataset class.
 * `subject` says what gave the rows, e.g. `the model outputs 3 class probabilities`.
 */
export function checkClassCount(width: number, classes: number, where: string, subject: string): void {
  if (width !== classes) throw new UserError(`${where}: ${subject} but the dataset has ${classes} classes`);
}

/**
 * Predictions from a model's output rows on one split, with the split's targets as `actual`.
 * Classification: the rows are class probabilities, `width` per row, and each label is its row's
 * argmax. Regression: the rows are the predictions themselves.
 */
export function predictionsFromOutput(
  task: PredictionsValue['task'],
  splitName: string,
  split: DatasetSplit,
  out: { values: Float32Array; width: number },
  classNames?: string[],
): PredictionsValue {
  const rowIds = split.rowIds ? { rowIds: split.rowIds } : {};
  if (task === 'regression')
    return { task, split: splitName, n: split.n, predicted: out.values, actual: split.y, ...rowIds };
  return {
    task,
    split: splitName,
    n: split.n,
    ...rowIds,
    ...(classNames ? { classNames } : {}),
    predicted: argmaxRows(out.values, out.width),
    probabilities: out.values,
    actual: split.y,
  };
}
