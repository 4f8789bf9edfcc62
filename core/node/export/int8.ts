/**
 * Int8 versions of a float ONNX model and how they compare with it. Static QDQ quantization
 * (core/common/model/onnx/quantizeStatic) when calibration rows are given, dynamic quantization
 * (./quantize) otherwise; then size, measured latency, agreement, accuracy and batch dependence
 * against the float model, with warnings for too few calibration rows and for an accuracy drop.
 */
import type { DatasetValue, TrainedModelValue } from '../../common';
import { accuracy, argmaxRows } from '../../common/metrics';
import { encodeModelData, type ModelData } from '../../common/model/onnx/encodeModel';
import { calibrationTensors, quantizeStatic, type ActivationType } from '../../common/model/onnx/quantizeStatic';
import { UserError } from '../executors/Executor';
import { calibrateRanges, type CalibrationMethod } from './calibrate';
import type { ExportLayout } from './preprocessGraph';
import { quantizeDynamic } from './quantize';
import { batchDependence, measureLatency, pickRows, type Latency } from './quantizeCheck';
import { feedsFor, maxAbsDiff, runExported } from './runExported';
import { loadRowsFromDataset, type VerifyRows } from './verifyRows';

/** Fewer calibration rows than this earn a warning. */
export const MIN_CALIBRATION_ROWS = 200;
/** An int8 accuracy drop (on the [0, 1] scale) beyond this earns a warning. */
export const DEFAULT_MAX_ACCURACY_DROP = 0.01;

export interface Int8Options {
  /** Rows for static calibration (training rows); without them, dynamic quantization. */
  calibration?: VerifyRows;
  /** @default { kind: 'minmax' } */
  method?: CalibrationMethod;
  /** @default 'uint8' */
  activations?: ActivationType;
  signal?: AbortSignal;
}

export interface Int8Model {
  model: ModelData;
  mode: 'static' | 'dynamic';
  /** Weight initializers stored as int8. */
  weights: string[];
  /** In words, for metadata_props `weft.quantization` and the summary. */
  description: string;
  calibrationRows: number;
  warnings: string[];
}

/** Static QDQ int8 when calibration rows are given, else dynamic int8. */
export async function quantizeInt8(float: ModelData, layout: ExportLayout, opts: Int8Options = {}): Promise<Int8Model> {
  const rows = opts.calibration;
  if (!rows || rows.n === 0) {
    const { model, quantized } = quantizeDynamic(float);
    if (!quantized.length) throw noWeights('MatMul/Gemm');
    return {
      model,
      mode: 'dynamic',
      weights: quantized,
      description: 'int8 dynamic (MatMulInteger, per-column symmetric weights; activation scales per batch)',
      calibrationRows: 0,
      warnings: [],
    };
  }
  const method = opts.method ?? { kind: 'minmax' };
  const activations = opts.activations ?? 'uint8';
  const tensors = calibrationTensors(float);
  if (!tensors.length) throw noWeights('Conv/MatMul/Gemm');
  const ranges = await calibrateRanges(
    float,
    tensors,
    {
      n: rows.n,
      feeds: (s, e) =>
        feedsFor(
          layout,
          pickRows(rows, (i) => s + i, e - s),
        ),
    },
    method,
    opts.signal,
  );
  const { model, weights } = quantizeStatic(float, ranges, { activations });
  const how = method.kind === 'minmax' ? 'min-max' : `percentile ${method.percentile}`;
  const warnings =
    rows.n < MIN_CALIBRATION_ROWS
      ? [
          `int8 calibrated on only ${rows.n} rows (${MIN_CALIBRATION_ROWS} or more advised): activation ranges may miss ` +
            'values the model meets later; connect more training rows',
        ]
      : [];
  return {
    model,
    mode: 'static',
    weights,
    description: `int8 static QDQ (per-channel symmetric int8 weights, ${activations} activations calibrated ${how} on ${rows.n} rows)`,
    calibrationRows: rows.n,
    warnings,
  };
}

function noWeights(ops: string): UserError {
  return new UserError(`quantize: the model has no ${ops} weights to quantize; it stays float`, 2);
}

/** How an int8 file compares with its float original. */
export interface Int8Comparison {
  floatBytes: number;
  bytes: number;
  floatLatency: Latency;
  latency: Latency;
  /** Max |row-by-row − batched| int8 outputs on the first rows: 0 for static scales. */
  batchDependence: number;
  /** Max |int8 − float| of the first output over the rows. */
  maxAbsDiff: number;
  /** Share of rows where int8 and float predict the same label (classifiers). */
  labelAgreement?: number;
  accuracy?: number;
  floatAccuracy?: number;
  /** int8 accuracy − float accuracy, on the [0, 1] scale. */
  accuracyChange?: number;
  /** Never silent: each one is shown in the summary and logged as a warning. */
  warnings: string[];
}

/** Size, latency (one CPU thread, batch 1 and 256), agreement and accuracy of int8 against float. */
export async function compareInt8(
  float: Uint8Array,
  int8: Uint8Array,
  layout: ExportLayout,
  rows: VerifyRows,
  floatValues: Float32Array,
  opts: { classification: boolean; maxAccuracyDrop?: number },
): Promise<Int8Comparison> {
  const out = await runExported(int8, layout, rows);
  const report: Int8Comparison = {
    floatBytes: float.byteLength,
    bytes: int8.byteLength,
    floatLatency: await measureLatency(float, layout, rows),
    latency: await measureLatency(int8, layout, rows),
    batchDependence: await batchDependence(int8, layout, rows),
    maxAbsDiff: maxAbsDiff(out.values, floatValues),
    warnings: [],
  };
  const maxDrop = opts.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP;
  if (!opts.classification) return report;
  const labels = out.labels ?? Array.from(argmaxRows(out.values, floatValues.length / rows.n));
  const floatLabels = argmaxRows(floatValues, floatValues.length / rows.n);
  report.labelAgreement = accuracy(labels, floatLabels);
  if (rows.y) {
    report.floatAccuracy = accuracy(rows.y, floatLabels);
    report.accuracy = accuracy(rows.y, labels);
    report.accuracyChange = report.accuracy - report.floatAccuracy;
    if (-report.accuracyChange > maxDrop)
      report.warnings.push(
        `int8 accuracy drops by ${(-report.accuracyChange * 100).toFixed(2)} points (${(report.floatAccuracy * 100).toFixed(2)}% → ` +
          `${(report.accuracy * 100).toFixed(2)}% on ${rows.source}), more than the ${(maxDrop * 100).toFixed(2)} allowed; keep the float model or calibrate on more rows`,
      );
  } else if (1 - report.labelAgreement > maxDrop) {
    report.warnings.push(
      `int8 changes the predicted label on ${((1 - report.labelAgreement) * 100).toFixed(2)}% of ${rows.source} ` +
        `(more than the ${(maxDrop * 100).toFixed(2)}% allowed); no labels to measure the accuracy change`,
    );
  }
  return report;
}

/** Bytes of an int8 model with its quantization recorded in metadata_props `weft.quantization`. */
export function encodeInt8(q: Int8Model): Uint8Array {
  return encodeModelData({
    ...q.model,
    metadata: [
      ...(q.model.metadata ?? []).filter((p) => p.key !== 'weft.quantization'),
      { key: 'weft.quantization', value: q.description },
    ],
  });
}

/**
 * Training rows to calibrate on (validation when there is no training split); undefined without a
 * dataset, or when `raw` (an export that takes raw columns) is asked for and the rows have none:
 * either means dynamic int8.
 */
export async function calibrationRows(
  model: TrainedModelValue,
  data: DatasetValue | undefined,
  limit: number,
  raw = (model.rawFeatures?.length ?? 0) > 0 || model.rawInputs === true,
): Promise<VerifyRows | undefined> {
  if (!data) return undefined;
  const rows = await loadRowsFromDataset(data, limit, ['train', 'validation']);
  if (!rows || (raw && !rows.raw)) return undefined;
  return { ...rows, source: rows.source.replace(/^(\d+) rows/, '$1 calibration rows') };
}

/** Int8Options from the params of `opt.quantize` or export's quantize option. */
export function int8OptionsOf(p: {
  calibration: 'minmax' | 'percentile';
  percentile: number;
  activations: ActivationType;
  maxAccuracyDrop: number;
}): Int8Options & { maxAccuracyDrop: number } {
  return {
    method: p.calibration === 'minmax' ? { kind: 'minmax' } : { kind: 'percentile', percentile: p.percentile },
    activations: p.activations,
    maxAccuracyDrop: p.maxAccuracyDrop,
  };
}
