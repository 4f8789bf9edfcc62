import type { z } from 'zod';
import type { DatasetValue, MetricsValue, TrainedModelValue } from '../../../common';
import type { exportOnnxParams } from '../../../common/nodes/export/onnx';
import { exportOnnx, type OnnxExportReport } from '../../export/exportOnnx';
import { calibrationRows, int8OptionsOf } from '../../export/int8';
import { checkCompatible } from '../../inference/runModel';
import { loadRowsFromDataset, syntheticRows, type VerifyRows } from '../../export/verifyRows';
import { resolveParamPath, type Executor, type ExecutorContext, type ExecutorResult } from '../Executor';

/** Held-out rows from the dataset when connected (raw columns needed for tabular models), else synthetic ones. */
export async function verificationRows(
  model: TrainedModelValue,
  data: DatasetValue | undefined,
  limit: number,
  split: string,
  where = 'export',
): Promise<VerifyRows> {
  if (data) checkCompatible(model, data, where, split);
  const fromData = data ? await loadRowsFromDataset(data, limit, [split, 'test', 'validation', 'train']) : undefined;
  const tabular = (model.rawFeatures?.length ?? 0) > 0;
  if (fromData && (!tabular || fromData.raw)) return fromData;
  return syntheticRows(model, Math.min(limit, 256));
}

/** One line per figure, for the CLI and the run panel. */
export function describeOnnxExport(r: OnnxExportReport): ExecutorResult['summary'] {
  const lines = [
    `wrote ${r.file} (${(r.bytes / 1024).toFixed(1)} KiB)`,
    `inputs: ${r.layout.inputs.map((i) => `${i.name} ${i.dtype}[${i.shape.join(', ')}]`).join('; ')}`,
    `outputs: ${r.layout.outputs.map((o) => `${o.name} ${o.dtype}[${o.shape.join(', ')}]`).join('; ')}`,
    `verified on ${r.rowsSource}: max |exported − in-app| = ${r.maxAbsDiff.toExponential(2)} (limit 1e-5), label mismatches ${r.labelMismatches}`,
    ...(r.layout.preprocessing ? [`preprocessing ${r.layout.preprocessing}`] : []),
  ];
  const metrics: Record<string, number> = { max_abs_diff: r.maxAbsDiff, verify_rows: r.rows };
  const files = [r.file];
  const q = r.quantized;
  if (q) {
    if (q.written) files.push(q.file);
    metrics.int8_max_abs_diff = q.maxAbsDiff;
    metrics.int8_batch_dependence = q.batchDependence;
    const ms = (l: { batch1Ms: number; batch256Ms: number }): string =>
      `${l.batch1Ms.toFixed(3)} ms at batch 1, ${l.batch256Ms.toFixed(3)} ms at batch 256`;
    lines.push(
      `int8 decision: ${q.decision}; float ${q.floatBytes} bytes, ${ms(q.floatLatency)}; int8 ${q.bytes} bytes, ${ms(q.latency)} (onnxruntime CPU, 1 thread)`,
    );
    lines.push(
      `int8: ${q.written ? 'wrote' : 'not written:'} ${q.file} (${(q.bytes / 1024).toFixed(1)} KiB, ${q.weights} weight tensors), max |int8 − float| = ${q.maxAbsDiff.toExponential(2)}` +
        (q.labelAgreement !== undefined ? `, same label on ${(q.labelAgreement * 100).toFixed(2)}% of rows` : '') +
        (q.accuracyChange !== undefined
          ? `, accuracy ${q.floatAccuracy!.toFixed(4)} → ${q.accuracy!.toFixed(4)} (change ${q.accuracyChange >= 0 ? '+' : ''}${q.accuracyChange.toFixed(4)})`
          : ''),
    );
    lines.push(
      q.mode === 'static'
        ? `int8: ${q.description}; static scales, so a row's result does not depend on its batch: row by row vs batched differ by ${q.batchDependence.toExponential(2)}`
        : `int8: ${q.description}; dynamic quantization scales activations per batch, so outputs depend on the batch: row by row vs batched differ by up to ${q.batchDependence.toExponential(2)} here` +
            ' (connect the dataset to calibrate static int8)',
    );
    for (const w of q.warnings) lines.push(`warning: ${w}`);
    if (q.accuracyChange !== undefined) metrics.int8_accuracy_change = q.accuracyChange;
  }
  return { metrics, files, text: lines.join('\n') };
}

/** What every exporting node reads first: its model, optional data and metrics, and the rows it verifies on. */
export async function exportInputs(
  ctx: ExecutorContext<{ verifyRows: number; verifySplit: string }>,
  nodeType: string,
): Promise<{ model: TrainedModelValue; metrics?: MetricsValue; data?: DatasetValue; rows: VerifyRows }> {
  const model = ctx.inputs.model as TrainedModelValue;
  const data = ctx.inputs.data as DatasetValue | undefined;
  const metrics = ctx.inputs.metrics as MetricsValue | undefined;
  const rows = await verificationRows(
    model,
    data,
    ctx.params.verifyRows,
    ctx.params.verifySplit,
    `${nodeType} (${ctx.nodeId})`,
  );
  return { model, rows, ...(metrics ? { metrics } : {}), ...(data ? { data } : {}) };
}

export const exportOnnxExecutor: Executor<z.output<typeof exportOnnxParams>> = async (ctx) => {
  const file = resolveParamPath(ctx, ctx.params.path, 'write');
  const { model, metrics, data, rows } = await exportInputs(ctx, 'export.onnx');
  ctx.progress(0.1, 'building the graph');
  const calibration = ctx.params.quantize
    ? await calibrationRows(model, ctx.inputs.data as DatasetValue | undefined, ctx.params.calibrationRows)
    : undefined;
  const report = await exportOnnx(model, {
    file,
    rows,
    quantize: ctx.params.quantize && ctx.params.quantizeForce ? 'force' : ctx.params.quantize,
    int8: { ...int8OptionsOf(ctx.params), ...(calibration ? { calibration } : {}) },
    signal: ctx.signal,
    ...(metrics ? { metrics } : {}),
    ...(data ? { trainingData: data } : {}),
  });
  for (const w of report.quantized?.warnings ?? []) ctx.log(w, 'warn');
  ctx.progress(1);
  return { outputs: {}, summary: describeOnnxExport(report) };
};
