import type {
  CompressedModel,
  CompressionValue,
  DatasetValue,
  DisplayTable,
  MetricsValue,
  TrainedModelValue,
} from '../../../common';
import { accuracy, argmaxRows, formatTable } from '../../../common/metrics';
import { decodeModel } from '../../../common/model/onnx/decodeModel';
import { weightCounts } from '../../../common/model/onnx/weightCounts';
import { COMPRESSION_SLOTS, type EvalCompressionParams } from '../../../common/nodes/eval/compression';
import type { ExportLayout } from '../../export/preprocessGraph';
import { measureLatency, type Latency } from '../../export/quantizeCheck';
import { loadRowsFromDataset, type VerifyRows } from '../../export/verifyRows';
import { checkCompatible, pickSplit, runTrainedModel } from '../../inference/runModel';
import { throwIfAborted, UserError, type Executor } from '../Executor';

interface Entry {
  port: string;
  id: string;
  model: TrainedModelValue;
}

/** How a model was made, from what the trainer, opt.prune and opt.quantize record on it. */
function kindOf(model: TrainedModelValue): string {
  const tp = model.trainParams;
  const parts: string[] = [];
  if (tp.distilled) parts.push('distilled');
  if (model.pruning) parts.push(`pruned (${model.pruning.method} ${Math.round(model.pruning.sparsity * 100)}%)`);
  if (tp.fineTuned) parts.push('fine-tuned');
  if (typeof tp.quantization === 'string') parts.push(tp.quantization.split(' (')[0]);
  return parts.length ? parts.join('; ') : 'float32';
}

function connected(ctx: Parameters<Executor<EvalCompressionParams>>[0], where: string): Entry[] {
  const out: Entry[] = [];
  const ids = new Set<string>();
  for (let i = 1; i <= COMPRESSION_SLOTS; i++) {
    const port = `model${i}`;
    const model = ctx.inputs[port] as TrainedModelValue | undefined;
    if (model === undefined) continue;
    let id = ctx.inputSources?.[port]?.node ?? port;
    if (ids.has(id)) id = `${id} (${port})`;
    ids.add(id);
    out.push({ port, id, model });
  }
  if (!out[0] || out[0].port !== 'model1')
    throw new UserError(
      `${where}: connect the reference model (e.g. the teacher) to model1; the report's ratios are against it`,
      1,
    );
  return out;
}

/**
 * Batch-1 and batch-256 latency of every model: measured in order, then in reverse order, keeping
 * each model's lower median, so no model gains or loses from its place in the order.
 */
async function timeModels(
  onnx: Uint8Array[],
  layouts: ExportLayout[],
  rows: VerifyRows,
  onModel: (i: number, pass: number) => void,
): Promise<Latency[]> {
  const best: Latency[] = onnx.map(() => ({ batch1Ms: Infinity, batch256Ms: Infinity }));
  const order = onnx.map((_, i) => i);
  for (const [pass, ids] of [order, [...order].reverse()].entries()) {
    for (const i of ids) {
      onModel(i, pass);
      const l = await measureLatency(onnx[i], layouts[i], rows);
      best[i] = {
        batch1Ms: Math.min(best[i].batch1Ms, l.batch1Ms),
        batch256Ms: Math.min(best[i].batch256Ms, l.batch256Ms),
      };
    }
  }
  return best;
}

const ratio = (ref: number, v: number): string => (v > 0 ? `${(ref / v).toFixed(2)}×` : 'n/a');

/** The report as one table: the CLI prints it and the studio shows it under its bars. */
function compressionTable(c: CompressionValue): DisplayTable {
  const ref = c.models[0];
  return {
    title: `Compression report (${c.rows} rows of the ${c.split} split; latency: median onnxruntime run, CPU, one thread; ratios against ${ref.id})`,
    columns: [
      'model',
      'kind',
      'accuracy',
      'Δ accuracy (points)',
      'parameters',
      'non-zero',
      'fewer params',
      'file bytes',
      'smaller',
      'batch-1 ms',
      'batch-1 faster',
      'batch-256 ms',
      'batch-256 faster',
    ],
    rows: c.models.map((m) => [
      m.id,
      m.kind,
      `${(m.accuracy * 100).toFixed(2)}%`,
      m === ref ? '' : `${m.accuracy >= ref.accuracy ? '+' : ''}${((m.accuracy - ref.accuracy) * 100).toFixed(2)}`,
      m.parameters,
      m.nonzero,
      ratio(ref.parameters, m.parameters),
      m.bytes,
      ratio(ref.bytes, m.bytes),
      Number(m.batch1Ms.toFixed(4)),
      ratio(ref.batch1Ms, m.batch1Ms),
      Number(m.batch256Ms.toFixed(3)),
      ratio(ref.batch256Ms, m.batch256Ms),
    ]),
  };
}

export const evalCompressionExecutor: Executor<EvalCompressionParams> = async (ctx) => {
  const where = `eval.compression (${ctx.nodeId})`;
  const p = ctx.params;
  const data = ctx.inputs.data as DatasetValue;
  const entries = connected(ctx, where);
  if (data.task !== 'classification')
    throw new UserError(
      `${where}: the report compares accuracies, so it needs a classification dataset (this one is for ${data.task})`,
      1,
    );
  for (const e of entries) {
    const at = `${where}: ${e.id} (${e.port})`;
    if (e.model.rawInputs)
      throw new UserError(
        `${at} takes raw columns (an ONNX export loaded by model.onnx); connect the model trained in Weft, whose graph takes the prepared features`,
        1,
      );
    checkCompatible(e.model, data, at, p.split);
  }
  const split = pickSplit(data, p.split, where);
  const classes = data.classNames?.length ?? 0;
  const rows = await loadRowsFromDataset(data, 256, [p.split]);
  if (!rows) throw new UserError(`${where}: the "${p.split}" split has no rows to time the models on`, 1);
  const measured: Omit<CompressedModel, 'batch1Ms' | 'batch256Ms'>[] = [];
  const layouts: ExportLayout[] = [];
  for (const [i, e] of entries.entries()) {
    throwIfAborted(ctx.signal);
    ctx.progress((0.5 * i) / entries.length, `${e.id}: predicting ${split.n} rows`);
    const out = await runTrainedModel(e.model, split, split.n, { batchSize: p.batchSize, signal: ctx.signal });
    if (out.width !== classes)
      throw new UserError(
        `${where}: ${e.id} (${e.port}) outputs ${out.width} values per row but the dataset has ${classes} classes; connect models trained on this dataset`,
        1,
      );
    measured.push({
      id: e.id,
      kind: kindOf(e.model),
      accuracy: accuracy(split.y, argmaxRows(out.values, out.width)),
      ...weightCounts(decodeModel(e.model.onnx)),
      bytes: e.model.onnx.byteLength,
    });
    layouts.push({
      inputs: [{ name: e.model.inputName, dtype: 'float32', shape: ['N', ...e.model.featureShape] }],
      outputs: [{ name: e.model.outputName, dtype: 'float32', shape: ['N', classes] }],
    });
  }
  const latency = await timeModels(
    entries.map((e) => e.model.onnx),
    layouts,
    rows,
    (i, pass) => {
      throwIfAborted(ctx.signal);
      ctx.progress(
        0.5 + (0.25 * (pass * entries.length + i)) / entries.length,
        `${entries[i].id}: timing batch 1 and 256`,
      );
    },
  );
  const models: CompressedModel[] = measured.map((m, i) => ({ ...m, ...latency[i] }));
  const ref = models[0];
  const warnings = models
    .filter((m) => ref.accuracy - m.accuracy > p.maxAccuracyDrop)
    .map(
      (m) =>
        `${m.id} is ${((ref.accuracy - m.accuracy) * 100).toFixed(2)} points below ${ref.id} in accuracy (more than maxAccuracyDrop ${(p.maxAccuracyDrop * 100).toFixed(2)})`,
    );
  for (const w of warnings) ctx.log(w, 'warn');
  const compression: CompressionValue = { split: p.split, rows: split.n, models, warnings };
  const table = compressionTable(compression);
  const scalars: Record<string, number> = {};
  for (const m of models) {
    scalars[`${m.id}.accuracy`] = m.accuracy;
    scalars[`${m.id}.parameters`] = m.parameters;
    scalars[`${m.id}.nonzero`] = m.nonzero;
    scalars[`${m.id}.bytes`] = m.bytes;
    scalars[`${m.id}.batch1_ms`] = m.batch1Ms;
    scalars[`${m.id}.batch256_ms`] = m.batch256Ms;
  }
  const value: MetricsValue = {
    task: 'classification',
    split: p.split,
    scalars,
    tables: [table],
    ...(data.classNames ? { classNames: [...data.classNames] } : {}),
    compression,
  };
  ctx.progress(1);
  return {
    outputs: { metrics: value },
    summary: {
      metrics: scalars,
      text: [formatTable(table), ...warnings.map((w) => `warning: ${w}`)].join('\n'),
    },
  };
};
