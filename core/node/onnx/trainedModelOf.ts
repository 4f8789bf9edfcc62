import type { FittedTransform, RawFeature, TrainedModelValue } from '../../common';
import { UserError } from '../executors/Executor';
import { decodeModel } from '../../common/model/onnx/decodeModel';
import type { ValueInfoData } from '../../common/model/onnx/encodeModel';
import { metadataJson, type OnnxModelInfo, type TensorInfo } from './inspect';
import { exportLayout, featureInput } from './runOnDataset';

type Task = 'classification' | 'regression';

export interface TrainedModelOfOptions {
  /** The output read as probabilities or predictions. */
  output: TensorInfo;
  task: Task;
  provider: string;
  classNames?: string[];
}

/** A graph input or output of a decoded model as a TensorInfo (what a session would report). */
function tensorInfoOf(v: ValueInfoData): TensorInfo {
  if (v.nonTensor || v.dtype === 'bfloat16') return { name: v.name, dtype: 'non-tensor' };
  return { name: v.name, dtype: v.dtype, shape: v.shape.map((d) => (d === '?' ? null : d)) };
}

/** The sizes after the batch dimension of a float32 input, or undefined when it is not float32 or a size is not fixed. */
function fixedFeatureShape(input: TensorInfo): number[] | undefined {
  const sizes = (input.shape ?? []).slice(1);
  return input.dtype === 'float32' && sizes.every((d): d is number => typeof d === 'number') ? sizes : undefined;
}

function onnxTrainedModel(
  bytes: Uint8Array,
  input: TensorInfo,
  featureShape: number[],
  opts: TrainedModelOfOptions & { targetDim?: number },
): TrainedModelValue {
  return {
    task: opts.task,
    featureShape,
    ...(opts.classNames ? { classNames: opts.classNames } : {}),
    ...(opts.targetDim !== undefined ? { targetDim: opts.targetDim } : {}),
    transforms: [],
    onnx: bytes,
    inputName: input.name,
    outputName: opts.output.name,
    spec: null,
    weights: {},
    history: [],
    provider: opts.provider,
    trainParams: {},
    preparationKnown: false,
  };
}

/** What a Weft export's model card (metadata_props `weft.model_card`) says about its training data. */
interface ModelCard {
  task?: Task;
  featureShape?: number[];
  features?: string[] | null;
  rawFeatures?: RawFeature[] | null;
  transforms?: FittedTransform[];
  target?: string | null;
  classNames?: string[] | null;
}

/**
 * A Weft export with raw inputs (numeric and categorical columns) as a TrainedModel that is fed a
 * split's raw columns (`rawInputs`), knowing from its model card the feature columns, classes and
 * fitted steps it was trained behind; undefined for any other model.
 */
function weftExportModel(
  bytes: Uint8Array,
  info: OnnxModelInfo,
  opts: TrainedModelOfOptions,
): TrainedModelValue | undefined {
  const layout = exportLayout(info);
  const card = metadataJson<ModelCard>(info, 'weft.model_card');
  if (!layout || !card?.rawFeatures?.length || !layout.inputs.some((i) => i.dtype !== 'float32')) return undefined;
  const classNames = opts.classNames ?? card.classNames ?? undefined;
  const width = opts.output.shape?.[1];
  return {
    task: opts.task,
    featureShape: card.featureShape ?? [],
    ...(card.features ? { featureNames: card.features } : {}),
    ...(classNames ? { classNames } : {}),
    ...(card.target ? { targetName: card.target } : {}),
    ...(opts.task === 'regression' && typeof width === 'number' ? { targetDim: width } : {}),
    rawFeatures: card.rawFeatures,
    transforms: card.transforms ?? [],
    onnx: bytes,
    inputName: layout.inputs[0].name,
    outputName: opts.output.name,
    spec: null,
    weights: {},
    history: [],
    provider: opts.provider,
    trainParams: {},
    rawInputs: true,
  };
}

/**
 * An ONNX model as a TrainedModel (for eval.*, eval.predict and export nodes), when it takes one
 * float32 feature tensor with fixed sizes after the batch dimension; undefined otherwise.
 */
export function trainedModelOf(
  bytes: Uint8Array,
  info: OnnxModelInfo,
  opts: TrainedModelOfOptions,
): TrainedModelValue | undefined {
  const exported = weftExportModel(bytes, info, opts);
  if (exported) return exported;
  const input = featureInput(info);
  const featureShape = input && fixedFeatureShape(input);
  if (!input || !featureShape?.length) return undefined;
  const width = opts.output.shape?.[1];
  return onnxTrainedModel(bytes, input, featureShape, {
    ...opts,
    ...(opts.task === 'regression' && typeof width === 'number' ? { targetDim: width } : {}),
  });
}

/**
 * A TrainedModel view of a plain .onnx file read without a session (`weft export model.onnx`):
 * its first input and output, softmax-ended graphs read as classifiers with classes named by
 * index. Throws a UserError naming `file` when the model cannot be read that way.
 */
export function trainedModelOfFile(bytes: Uint8Array, file: string): TrainedModelValue {
  let graph;
  try {
    graph = decodeModel(bytes).graph;
  } catch (e) {
    throw new UserError(`${file}: not a readable ONNX model (${(e as Error).message})`);
  }
  const inputProto = graph.inputs.find((i) => !graph.initializers.some((t) => t.name === i.name));
  const outputProto = graph.outputs[0];
  if (!inputProto || !outputProto) throw new UserError(`${file}: the model has no graph input or output`);
  const input = tensorInfoOf(inputProto);
  const output = tensorInfoOf(outputProto);
  if (input.dtype !== 'float32') throw new UserError(`${file}: the first input must be a float32 tensor`);
  const featureShape = fixedFeatureShape(input);
  if (!featureShape)
    throw new UserError(`${file}: the input ${input.name} needs fixed sizes after the batch dimension`);
  const last = graph.nodes.find((n) => n.outputs.includes(output.name));
  const task: Task = last?.opType === 'Softmax' ? 'classification' : 'regression';
  const dim1 = outputProto.shape[1];
  const width = typeof dim1 === 'number' ? dim1 : 1;
  return onnxTrainedModel(bytes, input, featureShape, {
    output,
    task,
    provider: 'cpu',
    ...(task === 'classification'
      ? { classNames: Array.from({ length: width }, (_, i) => String(i)) }
      : { targetDim: width }),
  });
}
