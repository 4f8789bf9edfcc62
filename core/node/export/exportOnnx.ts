/**
 * `export.onnx`: writes a trained model as a standalone ONNX file with its preprocessing inside,
 * a model card in metadata_props, and checks the written file against in-app predictions.
 */
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetValue, MetricsValue, TrainedModelValue } from '../../common';
import { profileColumns } from '../../common/featureProfile';
import { rawColumns } from '../../common/splitRaw';
import { argmaxRows } from '../../common/metrics';
import { WEFT_VERSION } from '../version';
import { fileError } from '../data/openInput';
import { atomicWrite } from '../engine/atomicWrite';
import { UserError } from '../executors/Executor';
import { runTrainedModel } from '../inference/runModel';
import { decodeModel } from '../../common/model/onnx/decodeModel';
import { encodeModelData, type ModelData } from '../../common/model/onnx/encodeModel';
import { buildExportModel, EXPORT_NAMES, type ExportLayout } from './preprocessGraph';
import { compareInt8, encodeInt8, quantizeInt8, type Int8Comparison, type Int8Options } from './int8';
import { maxAbsDiff, runExported } from './runExported';
import type { VerifyRows } from './verifyRows';

/** Largest allowed |exported − in-app| over the verification rows. */
export const EXPORT_TOLERANCE = 1e-5;

export interface OnnxExportOptions {
  file: string;
  rows: VerifyRows;
  /**
   * int8 quantization: `true`/`'auto'` writes `<name>.int8.onnx` only when it pays (smaller file
   * and faster at batch 256 on one CPU thread); `'force'` writes it regardless.
   */
  quantize?: boolean | 'auto' | 'force';
  /**
   * How to quantize: static QDQ calibrated on `int8.calibration` (training rows) when given, else
   * dynamic; `maxAccuracyDrop` is the accuracy drop beyond which the report warns.
   */
  int8?: Int8Options & { maxAccuracyDrop?: number };
  metrics?: MetricsValue;
  /**
   * The dataset the model was trained on: its training split's numeric raw columns are profiled
   * (core/common/featureProfile.ts) into the model card, for a server's drift metrics.
   */
  trainingData?: DatasetValue;
  signal?: AbortSignal;
}

export interface QuantizedReport extends Int8Comparison {
  /** Whether the int8 file was written; false when it did not pay and was not forced. */
  written: boolean;
  /** Why it was (not) written, in words. */
  decision: string;
  file: string;
  /** Static (calibrated, batch-independent) or dynamic (scales per batch). */
  mode: 'static' | 'dynamic';
  /** The quantization in words, as in metadata_props `weft.quantization`. */
  description: string;
  calibrationRows: number;
  /** Weight tensors stored as int8. */
  weights: number;
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
  const trainSplit = trainingData?.splits.train;
  const train = trainSplit ? rawColumns(trainSplit) : undefined;
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

/** The metadata_props key of a token input's tokenizer settings: `weft.tokenizer` for `token_ids`. */
export const tokenizerKey = (input: string): string =>
  input === EXPORT_NAMES.tokens ? 'weft.tokenizer' : `weft.tokenizer.${input}`;

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
    ...layout.inputs.flatMap((i) =>
      i.tokenizer ? [{ key: tokenizerKey(i.name), value: JSON.stringify({ input: i.name, ...i.tokenizer }) }] : [],
    ),
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
    report.quantized = await writeQuantized({ model: final, bytes }, layout, model, rows, inApp.values, opts.file, {
      force: opts.quantize === 'force',
      int8: opts.int8,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  return report;
}

async function writeQuantized(
  float: { model: ModelData; bytes: Uint8Array },
  layout: ExportLayout,
  model: TrainedModelValue,
  rows: VerifyRows,
  inApp: Float32Array,
  file: string,
  opts: { force: boolean; int8: OnnxExportOptions['int8']; signal?: AbortSignal },
): Promise<QuantizedReport> {
  const q = await quantizeInt8(float.model, layout, { ...opts.int8, ...(opts.signal ? { signal: opts.signal } : {}) });
  const ext = path.extname(file);
  const qFile = `${file.slice(0, file.length - ext.length)}.int8${ext || '.onnx'}`;
  const bytes = encodeInt8(q);
  const compared = await compareInt8(float.bytes, bytes, layout, rows, inApp, {
    classification: model.task === 'classification',
    ...(opts.int8?.maxAccuracyDrop !== undefined ? { maxAccuracyDrop: opts.int8.maxAccuracyDrop } : {}),
  });
  const { latency, floatLatency } = compared;
  const smaller = bytes.byteLength < float.bytes.byteLength;
  const faster = latency.batch256Ms < floatLatency.batch256Ms;
  const pays = smaller && faster;
  const why = pays
    ? 'int8 is smaller and faster at batch 256'
    : `int8 does not pay: ${smaller ? '' : `its file is not smaller (${bytes.byteLength} vs ${float.bytes.byteLength} bytes)`}${!smaller && !faster ? ' and ' : ''}${faster ? '' : `it is not faster at batch 256 (${latency.batch256Ms.toFixed(3)} vs ${floatLatency.batch256Ms.toFixed(3)} ms)`}`;
  const written = pays || opts.force;
  const decision = pays
    ? why
    : opts.force
      ? `${why}; written anyway (forced)`
      : `${why}; kept float only (force to write it)`;
  if (written) await atomicWrite(qFile, bytes);
  return {
    ...compared,
    warnings: [...q.warnings, ...compared.warnings],
    written,
    decision,
    file: qFile,
    mode: q.mode,
    description: q.description,
    calibrationRows: q.calibrationRows,
    weights: q.weights.length,
  };
}
