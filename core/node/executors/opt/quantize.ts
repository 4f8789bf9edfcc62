import type { z } from 'zod';
import type { DatasetValue, TrainedModelValue } from '../../../common';
import { decodeModel } from '../../../common/model/onnx/decodeModel';
import type { optQuantizeParams } from '../../../common/nodes/opt/quantize';
import {
  calibrationRows,
  compareInt8,
  encodeInt8,
  int8OptionsOf,
  quantizeInt8,
  type Int8Comparison,
} from '../../export/int8';
import type { ExportLayout } from '../../export/preprocessGraph';
import { runExported } from '../../export/runExported';
import { loadRowsFromDataset } from '../../export/verifyRows';
import { checkCompatible } from '../../inference/runModel';
import { UserError, type Executor, type ExecutorResult } from '../Executor';

/** The trained model's own graph, features in: what opt.quantize rewrites and measures. */
function featureLayout(model: TrainedModelValue, classes: number): ExportLayout {
  return {
    inputs: [{ name: model.inputName, dtype: 'float32', shape: ['N', ...model.featureShape] }],
    outputs: [{ name: model.outputName, dtype: 'float32', shape: ['N', classes] }],
  };
}

/** One line per figure, for the CLI and the run panel. */
export function describeQuantize(c: Int8Comparison, description: string): NonNullable<ExecutorResult['summary']> {
  const ms = (l: { batch1Ms: number; batch256Ms: number }): string =>
    `${l.batch1Ms.toFixed(3)} ms at batch 1, ${l.batch256Ms.toFixed(3)} ms at batch 256`;
  const lines = [
    description,
    `size: float ${c.floatBytes} bytes, int8 ${c.bytes} bytes (${(c.floatBytes / c.bytes).toFixed(2)}× smaller)`,
    `latency (onnxruntime CPU, 1 thread): float ${ms(c.floatLatency)}; int8 ${ms(c.latency)}`,
    `max |int8 − float| = ${c.maxAbsDiff.toExponential(2)}; row by row vs batched differ by ${c.batchDependence.toExponential(2)}` +
      (c.labelAgreement !== undefined ? `; same label on ${(c.labelAgreement * 100).toFixed(2)}% of rows` : ''),
  ];
  if (c.accuracyChange !== undefined)
    lines.push(
      `accuracy ${(c.floatAccuracy! * 100).toFixed(2)}% → ${(c.accuracy! * 100).toFixed(2)}% (change ${c.accuracyChange >= 0 ? '+' : ''}${(c.accuracyChange * 100).toFixed(2)} points)`,
    );
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  const metrics: Record<string, number> = {
    float_bytes: c.floatBytes,
    int8_bytes: c.bytes,
    size_ratio: c.floatBytes / c.bytes,
    float_latency_b1_ms: c.floatLatency.batch1Ms,
    int8_latency_b1_ms: c.latency.batch1Ms,
    float_latency_b256_ms: c.floatLatency.batch256Ms,
    int8_latency_b256_ms: c.latency.batch256Ms,
    max_abs_diff: c.maxAbsDiff,
    batch_dependence: c.batchDependence,
    ...(c.labelAgreement !== undefined ? { label_agreement: c.labelAgreement } : {}),
    ...(c.accuracyChange !== undefined
      ? { float_accuracy: c.floatAccuracy!, int8_accuracy: c.accuracy!, accuracy_change: c.accuracyChange }
      : {}),
  };
  return { metrics, text: lines.join('\n') };
}

export const optQuantizeExecutor: Executor<z.output<typeof optQuantizeParams>> = async (ctx) => {
  const model = ctx.inputs.model as TrainedModelValue;
  const data = ctx.inputs.data as DatasetValue;
  const where = `opt.quantize (${ctx.nodeId})`;
  if (model.rawInputs)
    throw new UserError(
      `${where}: the model takes raw columns (an ONNX export loaded by model.onnx); quantize the model trained in Weft, ` +
        "or use export.onnx's quantize option on it",
    );
  checkCompatible(model, data, where, 'train');
  const calibration = await calibrationRows(model, data, ctx.params.calibrationRows, false);
  if (!calibration)
    throw new UserError(
      `${where}: the dataset has no train or validation rows to calibrate on; connect the training dataset`,
    );
  const rows = await loadRowsFromDataset(data, ctx.params.evalRows, [
    ctx.params.evalSplit,
    'test',
    'validation',
    'train',
  ]);
  if (!rows) throw new UserError(`${where}: the dataset has no rows to compare the float and int8 models on`);
  const classes = model.task === 'classification' ? (model.classNames?.length ?? 0) : (model.targetDim ?? 1);
  const layout = featureLayout(model, classes);
  ctx.progress(0.1, `calibrating on ${calibration.n} rows`);
  const options = int8OptionsOf(ctx.params);
  const q = await quantizeInt8(decodeModel(model.onnx), layout, { ...options, calibration, signal: ctx.signal });
  const bytes = encodeInt8(q);
  ctx.progress(0.5, 'measuring float and int8');
  const float = await runExported(model.onnx, layout, rows);
  const c = await compareInt8(model.onnx, bytes, layout, rows, float.values, {
    classification: model.task === 'classification',
    maxAccuracyDrop: options.maxAccuracyDrop,
  });
  c.warnings = [...q.warnings, ...c.warnings];
  for (const w of c.warnings) ctx.log(w, 'warn');
  ctx.progress(1);
  const quantized: TrainedModelValue = {
    ...model,
    onnx: bytes,
    spec: null,
    weights: {},
    trainParams: { ...model.trainParams, quantization: q.description },
  };
  return {
    outputs: { model: quantized },
    summary: describeQuantize(c, `${q.description}; compared on ${rows.source}`),
  };
};
