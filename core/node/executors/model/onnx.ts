import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { DatasetValue } from '../../../common';
import type { onnxModelParams } from '../../../common/nodes/model/onnx';
import { checkClassCount, predictionsFromOutput } from '../../inference/predictions';
import { pickSplit } from '../../inference/runModel';
import { describeModel, formatShape, metadataJson, type OnnxModelInfo, type TensorInfo } from '../../onnx/inspect';
import { exportLayout, rowsAreProbabilities, runOnSplit, softmaxRows } from '../../onnx/runOnDataset';
import { trainedModelOf } from '../../onnx/trainedModelOf';
import { openSession } from '../../onnx/session';
import { resolveParamPath, UserError, type Executor } from '../Executor';

type Params = z.output<typeof onnxModelParams>;
type Task = 'classification' | 'regression';

const describe = (t: TensorInfo): string => `${t.name} ${t.dtype} ${formatShape(t.shape)}`;

function primaryOutput(info: OnnxModelInfo, wanted: string, where: string): TensorInfo {
  const floats = info.outputs.filter((o) => o.dtype === 'float32' || o.dtype === 'float64');
  if (wanted) {
    const o = info.outputs.find((x) => x.name === wanted);
    if (!o)
      throw new UserError(
        `${where}: the model has no output "${wanted}" (it has ${info.outputs.map(describe).join(', ')})`,
      );
    return o;
  }
  const layoutFirst = exportLayout(info)?.outputs[0]?.name;
  const o = floats.find((x) => x.name === layoutFirst) ?? floats[0];
  if (!o)
    throw new UserError(`${where}: the model has no float output (it has ${info.outputs.map(describe).join(', ')})`);
  return o;
}

export const onnxModelExecutor: Executor<Params> = async (ctx) => {
  const where = `model.onnx (${ctx.nodeId})`;
  if (!ctx.params.path) throw new UserError(`${where}: no model file; set the path parameter to an .onnx file`);
  const file = resolveParamPath(ctx, ctx.params.path, 'read');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${where}: ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  ctx.progress(0, 'opening the model');
  const opened = await openSession(bytes, { provider: ctx.params.provider, label: file });
  for (const note of opened.notes) ctx.log(note, 'info');
  try {
    const info = describeModel(opened.session, bytes);
    const data = ctx.inputs.data as DatasetValue | undefined;
    const card = metadataJson<{ task?: Task }>(info, 'weft.model_card');
    const task: Task = ctx.params.task !== 'auto' ? ctx.params.task : (data?.task ?? card?.task ?? 'regression');
    const output = primaryOutput(info, ctx.params.output, where);
    const classNames = metadataJson<string[]>(info, 'weft.class_names') ?? data?.classNames;
    const lines = [
      `inputs: ${info.inputs.map(describe).join('; ')}`,
      `outputs: ${info.outputs.map(describe).join('; ')}`,
      `provider: ${opened.provider}${opened.notes.length ? ` (${opened.notes.join('; ')})` : ''}`,
    ];
    const model = trainedModelOf(bytes, info, {
      output,
      task,
      provider: opened.provider,
      ...(classNames ? { classNames } : {}),
    });
    if (!model)
      lines.push('no trained-model output: that needs one float32 input with fixed sizes after the batch dimension');
    const outputs: Record<string, unknown> = { ...(model ? { model } : {}) };
    let rowsDone = 0;
    if (data) {
      const split = pickSplit(data, ctx.params.split, where);
      const run = await runOnSplit(opened.session, info, split, {
        output: output.name,
        featureShape: data.featureShape,
        batchSize: ctx.params.batchSize,
        where,
        signal: ctx.signal,
        progress: ctx.progress,
      });
      if (task === 'classification') {
        const k = data.classNames?.length ?? run.width;
        checkClassCount(run.width, k, where, `output ${output.name} has ${run.width} values per row`);
        if (!rowsAreProbabilities(run.values, k)) {
          softmaxRows(run.values, k);
          lines.push(`output ${output.name} rows are not probabilities: softmax applied`);
        }
      }
      outputs.predictions = predictionsFromOutput(task, ctx.params.split, split, run, classNames);
      rowsDone = split.n;
      lines.push(`${split.n} rows of the ${ctx.params.split} split fed as ${run.fed}`);
    }
    ctx.progress(1);
    return {
      outputs,
      summary: {
        text: lines.join('\n'),
        files: [file],
        provider: opened.provider,
        ...(rowsDone ? { metrics: { rows: rowsDone } } : {}),
      },
    };
  } finally {
    await opened.session.release();
  }
};
