import type { DisplayTable, MetricsValue } from '../values';
import {
  accuracy,
  argmaxRows,
  balancedAccuracy,
  confusionMatrix,
  logLoss,
  precisionRecallF1,
  topKAccuracy,
} from './classification';
import { meanAbsoluteError, meanSquaredError, r2Score, residuals, rootMeanSquaredError } from './regression';
import { rocOneVsRest } from './roc';

export interface ClassificationInput {
  split: string;
  /** How reports name the split, e.g. `test (t10k-images-idx3-ubyte.gz, 10,000 rows)`. @default split */
  splitLabel?: string;
  /** True class indices. */
  actual: ArrayLike<number>;
  /** `n × classNames.length` probabilities. */
  probabilities: ArrayLike<number>;
  classNames: string[];
  /** Top-k accuracies to report, e.g. `[3, 5]`; values ≥ the class count are skipped. @default [] */
  topK?: number[];
}

/**
 * Every classification metric for one split, as a Metrics value: headline scalars, a per-class
 * table, the confusion matrix and ROC curves (binary: one curve for the second class; otherwise
 * one-vs-rest per class). Predicted labels are the argmax of the probabilities.
 */
export function classificationMetrics(input: ClassificationInput): MetricsValue {
  const { actual, probabilities, classNames, split } = input;
  const label = input.splitLabel ?? split;
  const k = classNames.length;
  const predicted = argmaxRows(probabilities, k);
  const prf = precisionRecallF1(actual, predicted, k);
  const scalars: Record<string, number> = {
    accuracy: accuracy(actual, predicted),
    balanced_accuracy: balancedAccuracy(actual, predicted, k),
    precision_macro: prf.macro.precision,
    recall_macro: prf.macro.recall,
    f1_macro: prf.macro.f1,
    precision_weighted: prf.weighted.precision,
    recall_weighted: prf.weighted.recall,
    f1_weighted: prf.weighted.f1,
    log_loss: logLoss(actual, probabilities, k),
  };
  for (const topK of input.topK ?? [])
    if (topK < k) scalars[`top_${topK}_accuracy`] = topKAccuracy(actual, probabilities, k, topK);
  const ovr = rocOneVsRest(actual, probabilities, k);
  let roc: NonNullable<MetricsValue['roc']>;
  if (k === 2) {
    const c = ovr.curves[1];
    roc = [{ label: classNames[1], fpr: c.fpr, tpr: c.tpr, auc: c.auc }];
    scalars.roc_auc = c.auc;
  } else {
    roc = ovr.curves.map((c, i) => ({ label: classNames[i], fpr: c.fpr, tpr: c.tpr, auc: c.auc }));
    scalars.roc_auc_ovr_macro = ovr.macroAuc;
    scalars.roc_auc_ovr_weighted = ovr.weightedAuc;
  }
  const confusion = confusionMatrix(actual, predicted, k);
  const perClass: DisplayTable = {
    title: `Per class (${label})`,
    columns: ['class', 'precision', 'recall', 'f1', 'support', 'auc'],
    rows: [
      ...prf.perClass.map((s, c) => [
        classNames[c],
        s.precision,
        s.recall,
        s.f1,
        s.support,
        k === 2 ? null : ovr.curves[c].auc,
      ]),
      [
        'macro avg',
        prf.macro.precision,
        prf.macro.recall,
        prf.macro.f1,
        prf.macro.support,
        k === 2 ? null : ovr.macroAuc,
      ],
      [
        'weighted avg',
        prf.weighted.precision,
        prf.weighted.recall,
        prf.weighted.f1,
        prf.weighted.support,
        k === 2 ? null : ovr.weightedAuc,
      ],
    ],
  };
  const confusionTable: DisplayTable = {
    title: `Confusion matrix (${label}; rows actual, columns predicted)`,
    columns: ['actual \\ predicted', ...classNames],
    rows: confusion.map((row, c) => [classNames[c], ...row]),
  };
  return {
    task: 'classification',
    split,
    ...(input.splitLabel ? { splitLabel: input.splitLabel } : {}),
    scalars,
    tables: [perClass, confusionTable],
    classNames,
    confusion,
    roc,
  };
}

export interface RegressionInput {
  split: string;
  /** How reports name the split, e.g. `test (test.csv, 150 rows)`. @default split */
  splitLabel?: string;
  /** `n × targets`. */
  actual: ArrayLike<number>;
  predicted: ArrayLike<number>;
  targets?: number;
  targetNames?: string[];
  /** Residual points kept for plots (evenly subsampled). @default 2000 */
  maxResidualPoints?: number;
}

/** MSE, RMSE, MAE and R² (averaged over targets), a per-target table, and residuals for plots. */
export function regressionMetrics(input: RegressionInput): MetricsValue {
  const { actual, predicted, split } = input;
  const targets = input.targets ?? 1;
  const scalars = {
    mse: meanSquaredError(actual, predicted, targets),
    rmse: rootMeanSquaredError(actual, predicted, targets),
    mae: meanAbsoluteError(actual, predicted, targets),
    r2: r2Score(actual, predicted, targets),
  };
  const n = actual.length / targets;
  const column = (a: ArrayLike<number>, t: number): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => a[i * targets + t]);
  const rows: DisplayTable['rows'] = [];
  for (let t = 0; t < targets; t++) {
    const a = column(actual, t);
    const p = column(predicted, t);
    rows.push([
      input.targetNames?.[t] ?? `target ${t}`,
      meanSquaredError(a, p),
      rootMeanSquaredError(a, p),
      meanAbsoluteError(a, p),
      r2Score(a, p),
    ]);
  }
  const all = residuals(actual, predicted);
  const max = input.maxResidualPoints ?? 2000;
  const step = Math.max(1, Math.ceil(all.length / max));
  const kept = { predicted: [] as number[], residual: [] as number[] };
  for (let i = 0; i < all.length; i += step) {
    kept.predicted.push(predicted[i]);
    kept.residual.push(all[i]);
  }
  return {
    task: 'regression',
    split,
    ...(input.splitLabel ? { splitLabel: input.splitLabel } : {}),
    scalars,
    tables: [
      { title: `Regression (${input.splitLabel ?? split})`, columns: ['target', 'mse', 'rmse', 'mae', 'r2'], rows },
    ],
    residuals: kept,
  };
}
