import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import {
  builtinNodes,
  formatValidationErrors,
  type DatasetValue,
  type MetricsValue,
  type PipelineDocument,
  type TrainedModelValue,
} from '../../common';
import { UserError } from '../../node/executors/Executor';
import { loadPipelineFile } from '../../node/loadPipeline';

interface ExportFlags {
  node?: string;
  format: string;
  out?: string;
  quantize?: boolean | string;
  verifyRows: string;
  split: string;
  workspace?: string;
}

type Endpoint = { node: string; port: string };

/** Finds the node producing the TrainedModel and the Dataset / Metrics wired next to it. */
export function locateModel(
  doc: PipelineDocument,
  nodeId: string | undefined,
): { model: Endpoint; data?: Endpoint; metrics?: Endpoint } {
  const outputOf = (id: string, kind: string): string | undefined => {
    const type = doc.nodes.find((n) => n.id === id)?.type;
    const def = type
      ? (builtinNodes as Record<string, (typeof builtinNodes)[keyof typeof builtinNodes]>)[type]
      : undefined;
    return def?.outputs.find((o) => o.type.kind === kind)?.name;
  };
  const into = (id: string, kind: string): Endpoint | undefined =>
    doc.edges.find((e) => e.target.node === id && outputOf(e.source.node, kind) === e.source.port)?.source;
  let model: Endpoint | undefined;
  let around: string | undefined;
  if (nodeId) {
    if (!doc.nodes.some((n) => n.id === nodeId))
      throw new UserError(`no node "${nodeId}" in the pipeline (it has ${doc.nodes.map((n) => n.id).join(', ')})`);
    const port = outputOf(nodeId, 'TrainedModel');
    model = port ? { node: nodeId, port } : into(nodeId, 'TrainedModel');
    around = port ? undefined : nodeId;
    if (!model)
      throw new UserError(`node "${nodeId}" neither produces nor receives a trained model; pass --node <trainer id>`);
  } else {
    const producers = doc.nodes.filter((n) => outputOf(n.id, 'TrainedModel'));
    if (producers.length !== 1) {
      throw new UserError(
        producers.length
          ? `the pipeline has ${producers.length} trained models (${producers.map((n) => n.id).join(', ')}); pick one with --node`
          : 'the pipeline has no node that produces a trained model',
      );
    }
    model = { node: producers[0].id, port: outputOf(producers[0].id, 'TrainedModel')! };
  }
  const data = (around ? into(around, 'Dataset') : undefined) ?? into(model.node, 'Dataset');
  const metricsNode = doc.edges.find((e) => e.source.node === model.node && outputOf(e.target.node, 'Metrics'))?.target
    .node;
  const metrics = metricsNode ? { node: metricsNode, port: outputOf(metricsNode, 'Metrics')! } : undefined;
  return { model, ...(data ? { data } : {}), ...(metrics ? { metrics } : {}) };
}

/** Runs the pipeline up to the model (and its dataset and metrics) with the CLI's caches, and returns their values. */
async function valuesFromPipeline(
  file: string,
  flags: ExportFlags,
): Promise<{ model: TrainedModelValue; data?: DatasetValue; metrics?: MetricsValue }> {
  const { document, warnings } = await loadPipelineFile(file);
  for (const w of warnings) console.error(`warning: ${w}`);
  const where = locateModel(document, flags.node);
  const baseDir = path.dirname(path.resolve(file));
  const workspace = path.resolve(flags.workspace ?? baseDir);
  const { createDefaultEngine } = await import('../../node/defaultEngine');
  const engine = createDefaultEngine(workspace);
  const fetch = async (ep: Endpoint | undefined): Promise<unknown> => {
    if (!ep) return undefined;
    const outcome = await engine.run(document, { only: ep.node, need: [ep.node], baseDir, workspace });
    if (!outcome.ok)
      throw new UserError(
        `${file}: the pipeline is invalid:\n${formatValidationErrors(outcome.validation).join('\n')}`,
        1,
      );
    const failed = Object.entries(outcome.report.nodes).find(([, r]) => r.status === 'failed');
    if (failed) throw new UserError(`node ${failed[0]} failed: ${failed[1].error ?? 'unknown error'}`, 1);
    return (await outcome.load(ep.node))?.outputs[ep.port];
  };
  const model = (await fetch(where.model)) as TrainedModelValue | undefined;
  if (!model) throw new UserError(`node ${where.model.node} produced no trained model`, 1);
  const data = (await fetch(where.data)) as DatasetValue | undefined;
  const metrics = (await fetch(where.metrics).catch(() => undefined)) as MetricsValue | undefined;
  return { model, ...(data ? { data } : {}), ...(metrics ? { metrics } : {}) };
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export a trained model to ONNX (preprocessing inside), TF.js layers, or a Triton repository, verified against in-app predictions',
    )
    .argument('<source>', 'pipeline file (*.weft.json) or an .onnx model')
    .option('--node <id>', 'the node whose trained model to export (a trainer, or an eval/export node fed by one)')
    .option('--format <format>', 'onnx | tfjs | triton', 'onnx')
    .option('--out <path>', 'output file (onnx) or folder (tfjs, triton)')
    .option(
      '--quantize [mode]',
      'try int8 (static QDQ calibrated on the pipeline dataset\'s training rows, dynamic for a bare .onnx file): report size, latency and accuracy change, and write <name>.int8.onnx when it is smaller and faster; "force" writes it regardless',
    )
    .option('--verify-rows <n>', 'held-out rows to check the export on', '512')
    .option('--split <name>', 'dataset split the held-out rows come from', 'test')
    .option('--workspace <dir>', 'workspace folder for caches (default: the pipeline file’s folder)')
    .action(async (source: string, flags: ExportFlags) => {
      if (typeof flags.quantize === 'string' && !['auto', 'force'].includes(flags.quantize))
        throw new UserError(`--quantize takes auto or force, not "${flags.quantize}"`);
      if (!['onnx', 'tfjs', 'triton'].includes(flags.format))
        throw new UserError(`--format must be onnx, tfjs or triton, not "${flags.format}"`);
      const rowsLimit = Number(flags.verifyRows);
      if (!Number.isInteger(rowsLimit) || rowsLimit < 1)
        throw new UserError(`--verify-rows must be a positive integer, not "${flags.verifyRows}"`);
      if (!existsSync(source)) throw new UserError(`${source}: no such file`);
      const { trainedModelOfFile } = await import('../../node/onnx/trainedModelOf');
      const { describeOnnxExport, verificationRows } = await import('../../node/executors/export/onnx');
      const { exportOnnx } = await import('../../node/export/exportOnnx');
      const { calibrationRows } = await import('../../node/export/int8');
      const { exportTfjs } = await import('../../node/export/exportTfjs');
      const { writeTritonRepository } = await import('../../node/serving/triton');
      const values = source.endsWith('.onnx')
        ? { model: trainedModelOfFile(new Uint8Array(await readFile(source)), source) }
        : await valuesFromPipeline(source, flags);
      const { model } = values;
      const data = 'data' in values ? values.data : undefined;
      const metrics = 'metrics' in values ? values.metrics : undefined;
      const rows = await verificationRows(model, data, rowsLimit, flags.split);
      const stem = path.basename(source).replace(/\.(weft\.json|json|onnx)$/, '');
      if (flags.format === 'tfjs') {
        const r = await exportTfjs(model, { dir: path.resolve(flags.out ?? `${stem}-tfjs`), rows });
        console.log(`wrote ${r.files.join(', ')} (TF.js layers: ${r.layers.join(' → ')})`);
        console.log(`input: ${r.input.raw ? 'raw' : 'features'} float32[N, ${r.input.width}]; ${r.input.caller}`);
        console.log(
          `verified with tf.loadLayersModel on ${r.rowsSource}: max |exported − in-app| = ${r.maxAbsDiff.toExponential(2)} (limit 1e-5)`,
        );
        return;
      }
      const onnxFile =
        flags.format === 'onnx'
          ? path.resolve(flags.out ?? `${stem}.export.onnx`)
          : path.join(await mkdtemp(path.join(tmpdir(), 'weft-triton-')), 'model.onnx');
      try {
        const calibration = flags.quantize ? await calibrationRows(model, data, 1000) : undefined;
        const report = await exportOnnx(model, {
          file: onnxFile,
          rows,
          ...(calibration ? { int8: { calibration } } : {}),
          ...(flags.quantize ? { quantize: flags.quantize === 'force' ? ('force' as const) : ('auto' as const) } : {}),
          ...(metrics ? { metrics } : {}),
          ...(data ? { trainingData: data } : {}),
        });
        if (flags.format === 'onnx') {
          console.log(describeOnnxExport(report)?.text ?? '');
          return;
        }
        // Triton gets the verified file: same graph, same bytes.
        const name = stem.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '') || 'model';
        const files = await writeTritonRepository({ onnxFile, out: path.resolve(flags.out ?? `${stem}-triton`), name });
        console.log(
          `verified on ${report.rowsSource}: max |exported − in-app| = ${report.maxAbsDiff.toExponential(2)} (limit 1e-5)`,
        );
        for (const f of files) console.log(`wrote ${f}`);
      } finally {
        if (flags.format === 'triton') await rm(path.dirname(onnxFile), { recursive: true, force: true });
      }
    });
}
