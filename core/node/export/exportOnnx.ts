/**
 * `export.onnx`: writes a trained model as a standalone ONNX file with its preprocessing inside,
 * a model card in metadata_props, and checks the written file against in-app predictions.
 */
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetValue, MetricsValue, TrainedModelValue } from '../../common';
import { profileColumns } from '../../common/featureProfile';
import { accuracy, argmaxRows } from '../../common/metrics';
import { WEFT_VERSION } from '../version';
import { fileError } from '../data/openInput';
import { atomicWrite } from '../engine/atomicWrite';
import { UserError } from '../executors/Executor';
import { runTrainedModel } from '../inference/runModel';
import { decodeModel } from '../../common/model/onnx/decodeModel';
import { encodeModelData, type ModelData } from '../../common/model/onnx/encodeModel';
import { buildExportModel, type ExportLayout } from './preprocessGraph';
import { quantizeDynamic } from './quantize';
import { batchDependence, measureLatency, type Latency } from './quantizeCheck';
import { maxAbsDiff, runExported } from './runExported';
import type { VerifyRows } from './verifyRows';

/** Largest allowed |exported − in-app| over the verification rows. */
export const EXPORT_TOLERANCE = 1e-5;

export interface OnnxExportOptions {
  file: string;
  rows: VerifyRows;
  /**
   * int8 dynamic quantization: `true`/`'auto'` writes `<name>.int8.onnx` only when it pays (smaller
   * file and faster at batch 256 on one CPU thread); `'force'` writes it regardless.
   */
  quantize?: boolean | 'auto' | 'force';
  metrics?: MetricsValue;
  /**
   * The dataset the model was trained on: its training split's numeric raw columns are profiled
   * (core/common/featureProfile.ts) into the model card, for a server's drift metrics.
   */
  trainingData?: DatasetValue;
  signal?: AbortSignal;
}

export interface QuantizedReport {
  /** Whether the int8 file was written; false when it did not pay and was not forced. */
  written: boolean;
  /** Why it was (not) written, in words. */
  decision: string;
  file: string;
  floatBytes: number;
  floatLatency: Latency;
  latency: Latency;
  /** Max |row-by-row − batched| int8 outputs on the first verification rows (dynamic scales are per batch). */
  batchDependence: number;
  weights: number;
  bytes: number;
  maxAbsDiff: number;
  /** Share of rows where int8 and float predict the same label (classifiers). */
  labelAgreement?: number;
  accuracy?: number;
  floatAccuracy?: number;
  /** int8 accuracy − float accuracy, in points of the [0, 1] scale. */
  accuracyChange?: number;
}

export interface OnnxExportReport {
  file: string;
  bytes: number;
  layout: ExportLayout;
  rows: number;
  rowsSource: string;
  maxAbsDiff: number;
  labelMismatches: number;
  quantized?: QuantizedReport;
}

/** The model card stored as JSON in metadata_props `weft.model_card`. */
export function modelCard(
  model: TrainedModelValue,
  metrics?: MetricsValue,
  trainingData?: DatasetValue,
): Record<string, unknown> {
  const last = model.history[model.history.length - 1];
  const train = trainingData?.splits.train?.raw;
  return {
    weftVersion: WEFT_VERSION,
    task: model.task,
    datasetFingerprint: model.datasetFingerprint ?? null,
    features: model.featureNames ?? null,
    featureShape: model.featureShape,
    rawFeatures: model.rawFeatures ?? null,
    transforms: model.transforms,
    ...(model.window ? { window: model.window } : {}),
    target: model.targetName ?? null,
    classNames: model.classNames ?? null,
    metrics: metrics
      ? { split: metrics.split, ...metrics.scalars }
      : last
        ? { epoch: last.epoch, ...last.metrics }
        : null,
    params: model.trainParams,
    trainedOn: model.provider,
    ...(train && model.rawFeatures ? { trainingProfile: profileColumns(train, model.rawFeatures) } : {}),
  };
}

function withMetadata(
  m: ModelData,
  model: TrainedModelValue,
  layout: ExportLayout,
  opts: Pick<OnnxExportOptions, 'metrics' | 'trainingData'>,
): ModelData {
  const props = [
    { key: 'weft.io', value: JSON.stringify(layout) },
    { key: 'weft.model_card', value: JSON.stringify(modelCard(model, opts.metrics, opts.trainingData)) },
    ...(model.classNames ? [{ key: 'weft.class_names', value: JSON.stringify(model.classNames) }] : []),
  ];
  const kept = (m.metadata ?? []).filter((p) => !p.key.startsWith('weft.'));
  return { ...m, producerName: 'weft', producerVersion: WEFT_VERSION, metadata: [...kept, ...props] };
}

/** Builds, writes (atomically, only once verified) and checks an ONNX export. */
export async function exportOnnx(model: TrainedModelValue, opts: OnnxExportOptions): Promise<OnnxExportReport> {
  let decoded: ModelData;
  try {
    decoded = decodeModel(model.onnx);
  } catch (e) {
    throw new UserError(
      `export: the trained model's ONNX bytes cannot be read (${(e as Error).message}); retrain the model`,
      1,
    );
  }
  const { model: built, layout } = buildExportModel(model, decoded);
  const final = withMetadata(built, model, layout, opts);
  const bytes = encodeModelData(final);
  const { rows } = opts;
  const inApp = await runTrainedModel(model, rows.x, rows.n, opts.signal ? { signal: opts.signal } : {});
  const exported = await runExported(bytes, layout, rows);
  const diff = maxAbsDiff(exported.values, inApp.values);
  let labelMismatches = 0;
  if (exported.labels) {
    const expected = argmaxRows(inApp.values, inApp.width);
    const names = model.classNames;
    exported.labels.forEach((l, i) => {
      const nameOk = !exported.labelNames || exported.labelNames[i] === names?.[expected[i]];
      labelMismatches += l === expected[i] && nameOk ? 0 : 1;
    });
  }
  if (!(diff <= EXPORT_TOLERANCE)) {
    throw new UserError(
      `export failed verification: the ONNX file's outputs differ from in-app predictions by up to ${diff.toExponential(3)} ` +
        `(allowed ${EXPORT_TOLERANCE}) on ${rows.source}; nothing was written to ${opts.file}`,
      1,
    );
  }
  const tmp = `${opts.file}.unverified`;
  await atomicWrite(tmp, bytes, { reportAs: opts.file });
  try {
    // The file on disk, not the bytes in memory, is what users get: check it again as written.
    const fromDisk = await runExported(tmp, layout, rows);
    const diskDiff = maxAbsDiff(fromDisk.values, inApp.values);
    if (!(diskDiff <= EXPORT_TOLERANCE))
      throw new UserError(`export failed verification: the written file differs by ${diskDiff.toExponential(3)}`, 1);
    await rename(tmp, opts.file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e instanceof UserError ? e : fileError(opts.file, e, 'write');
  }
  const report: OnnxExportReport = {
    file: opts.file,
    bytes: bytes.byteLength,
    layout,
    rows: rows.n,
    rowsSource: rows.source,
    maxAbsDiff: diff,
    labelMismatches,
  };
  if (opts.quantize)
    report.quantized = await writeQuantized(
      { model: final, bytes },
      layout,
      model,
      rows,
      inApp.values,
      opts.file,
      opts.quantize === 'force',
    );
  return report;
}

async function writeQuantized(
  float: { model: ModelData; bytes: Uint8Array },
  layout: ExportLayout,
  model: TrainedModelValue,
  rows: VerifyRows,
  inApp: Float32Array,
  file: string,
  force: boolean,
): Promise<QuantizedReport> {
  const { model: q, quantized } = quantizeDynamic(float.model);
  if (!quantized.length)
    throw new UserError('export: quantize was asked for but the model has no MatMul/Gemm weights to quantize', 2);
  const ext = path.extname(file);
  const qFile = `${file.slice(0, file.length - ext.length)}.int8${ext || '.onnx'}`;
  const bytes = encodeModelData({
    ...q,
    metadata: [
      ...(q.metadata ?? []),
      { key: 'weft.quantization', value: 'int8 dynamic (MatMulInteger, per-column symmetric weights)' },
    ],
  });
  const floatLatency = await measureLatency(float.bytes, layout, rows);
  const latency = await measureLatency(bytes, layout, rows);
  const smaller = bytes.byteLength < float.bytes.byteLength;
  const faster = latency.batch256Ms < floatLatency.batch256Ms;
  const pays = smaller && faster;
  const why = pays
    ? 'int8 is smaller and faster at batch 256'
    : `int8 does not pay: ${smaller ? '' : `its file is not smaller (${bytes.byteLength} vs ${float.bytes.byteLength} bytes)`}${!smaller && !faster ? ' and ' : ''}${faster ? '' : `it is not faster at batch 256 (${latency.batch256Ms.toFixed(3)} vs ${floatLatency.batch256Ms.toFixed(3)} ms)`}`;
  const written = pays || force;
  const decision = pays
    ? why
    : force
      ? `${why}; written anyway (forced)`
      : `${why}; kept float only (force to write it)`;
  if (written) await atomicWrite(qFile, bytes);
  const out = await runExported(bytes, layout, rows);
  const report: QuantizedReport = {
    written,
    decision,
    file: qFile,
    floatBytes: float.bytes.byteLength,
    floatLatency,
    latency,
    batchDependence: await batchDependence(bytes, layout, rows),
    weights: quantized.length,
    bytes: bytes.byteLength,
    maxAbsDiff: maxAbsDiff(out.values, inApp),
  };
  if (model.task === 'classification' && out.labels) {
    const k = inApp.length / rows.n;
    const floatLabels = argmaxRows(inApp, k);
    report.labelAgreement = accuracy(out.labels, floatLabels);
    if (rows.y) {
      report.floatAccuracy = accuracy(rows.y, floatLabels);
      report.accuracy = accuracy(rows.y, out.labels);
      report.accuracyChange = report.accuracy - report.floatAccuracy;
    }
  }
  return report;
}
