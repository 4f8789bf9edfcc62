/**
 * Writes a Triton / KServe model repository for an ONNX model:
 * `<out>/<name>/config.pbtxt` and `<out>/<name>/1/model.onnx` (plus `labels.txt` for classifiers
 * exported by Weft). The config is derived from the model's own inputs and outputs.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../executors/Executor';
import { describeModel, formatShape, metadataJson, type OnnxModelInfo, type TensorInfo } from '../onnx/inspect';
import { openSession } from '../onnx/session';
import { DATATYPES, datatypeOf } from './datatypes';
import { modelNameFor } from './modelName';
import { batchable } from './servedVersion';

export interface TritonOptions {
  /** The model as a file… */
  onnxFile?: string;
  /** …or as bytes. */
  onnx?: Uint8Array;
  /** Repository folder; the model goes in `<out>/<name>`. */
  out: string;
  /** Model name (folder name). @default the file name, or `model` */
  name?: string;
  /**
   * Triton `max_batch_size`. 0 turns batching off and lists full shapes. @default 64 when every
   * input and output has a dynamic first dimension, else 0
   */
  maxBatchSize?: number;
}

const dynamic = (d: number | string | null | undefined): boolean => typeof d !== 'number';

function tensorBlock(t: TensorInfo, batching: boolean, extra: string[] = []): string {
  const datatype = datatypeOf(t.dtype);
  if (!datatype)
    throw new UserError(
      `${t.name} is ${t.dtype}: Triton's ONNX backend cannot pass it through a model repository config`,
    );
  if (!t.shape?.length)
    throw new UserError(`${t.name} has no known rank ${formatShape(t.shape)}; Triton needs its dims`);
  const dims = (batching ? t.shape.slice(1) : t.shape).map((d) => (typeof d === 'number' ? d : -1));
  const lines = [`    name: ${JSON.stringify(t.name)}`, `    data_type: ${DATATYPES[datatype].triton}`];
  // A tensor that is only the batch dimension is declared as [1] and reshaped to a scalar per item.
  if (dims.length === 0) lines.push('    dims: [ 1 ]', '    reshape: { shape: [ ] }');
  else lines.push(`    dims: [ ${dims.join(', ')} ]`);
  return `  {\n${[...lines, ...extra].join('\n')}\n  }`;
}

/** The text of config.pbtxt for a model. */
export function tritonConfig(info: OnnxModelInfo, name: string, maxBatchSize: number, labelOutput?: string): string {
  const batching = maxBatchSize > 0;
  const outputs = info.outputs.map((t) =>
    tensorBlock(t, batching, t.name === labelOutput ? ['    label_filename: "labels.txt"'] : []),
  );
  return [
    `name: ${JSON.stringify(name)}`,
    'platform: "onnxruntime_onnx"',
    `max_batch_size: ${maxBatchSize}`,
    `input [\n${info.inputs.map((t) => tensorBlock(t, batching)).join(',\n')}\n]`,
    `output [\n${outputs.join(',\n')}\n]`,
    ...(batching ? ['dynamic_batching { }'] : []),
    '',
  ].join('\n');
}

/** Writes the repository and returns the files written. */
export async function writeTritonRepository(opts: TritonOptions): Promise<string[]> {
  const label = opts.onnxFile ?? 'the ONNX model';
  let bytes = opts.onnx;
  if (!bytes) {
    if (!opts.onnxFile) throw new UserError('writeTritonRepository needs onnxFile or onnx bytes');
    try {
      bytes = new Uint8Array(await readFile(opts.onnxFile));
    } catch (e) {
      throw new UserError(
        `${opts.onnxFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      );
    }
  }
  const { session } = await openSession(bytes, { provider: 'cpu', label });
  let info: OnnxModelInfo;
  try {
    info = describeModel(session, bytes);
  } finally {
    await session.release();
  }
  const name = opts.name ?? (opts.onnxFile ? modelNameFor(opts.onnxFile) : 'model');
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.'))
    throw new UserError(`Triton model name "${name}" must use only letters, digits, _ . - and not start with a dot`);
  const canBatch = batchable(info);
  const maxBatchSize = opts.maxBatchSize ?? (canBatch ? 64 : 0);
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 0)
    throw new UserError(`max batch size must be a whole number ≥ 0, not ${maxBatchSize}`);
  if (maxBatchSize > 0 && !canBatch) {
    const fixed = [...info.inputs, ...info.outputs]
      .filter((t) => !dynamic(t.shape?.[0]))
      .map((t) => `${t.name} ${formatShape(t.shape)}`);
    throw new UserError(
      `${label}: Triton batching needs a dynamic first dimension everywhere, but ${fixed.join(', ')} ha${fixed.length > 1 ? 've' : 's'} a fixed one; use max batch size 0`,
    );
  }
  const classNames = metadataJson<string[]>(info, 'weft.class_names');
  const layout = metadataJson<{ outputs?: { name: string }[] }>(info, 'weft.io');
  const labelOutput = classNames ? (layout?.outputs?.[0]?.name ?? info.outputs[0]?.name) : undefined;
  const config = tritonConfig(info, name, maxBatchSize, labelOutput);
  const dir = path.join(opts.out, name);
  await mkdir(path.join(dir, '1'), { recursive: true });
  const files = [path.join(dir, 'config.pbtxt'), path.join(dir, '1', 'model.onnx')];
  await writeFile(files[1], bytes);
  if (classNames && labelOutput) {
    files.push(path.join(dir, 'labels.txt'));
    await writeFile(files[2], `${classNames.join('\n')}\n`);
  }
  await writeFile(files[0], config);
  return files;
}
