import type { TrainedModelValue } from '../../common';
import type { OnnxModelInfo, TensorInfo } from './inspect';
import { featureInput } from './runOnDataset';

export interface TrainedModelOfOptions {
  /** The output read as probabilities or predictions. */
  output: TensorInfo;
  task: 'classification' | 'regression';
  provider: string;
  classNames?: string[];
}

/**
 * An ONNX model as a TrainedModel (for eval.*, eval.predict and export nodes), when it takes one
 * float32 feature tensor with fixed sizes after the batch dimension; undefined otherwise.
 */
export function trainedModelOf(bytes: Uint8Array, info: OnnxModelInfo, opts: TrainedModelOfOptions): TrainedModelValue | undefined {
  const input = featureInput(info);
  const featureShape = input?.dtype === 'float32' ? (input.shape ?? []).slice(1) : [];
  if (!input || !featureShape.length || !featureShape.every((d): d is number => typeof d === 'number')) return undefined;
  const width = opts.output.shape?.[1];
  return {
    task: opts.task,
    featureShape,
    ...(opts.classNames ? { classNames: opts.classNames } : {}),
    ...(opts.task === 'regression' && typeof width === 'number' ? { targetDim: width } : {}),
    transforms: [],
    onnx: bytes,
    inputName: input.name,
    outputName: opts.output.name,
    spec: null,
    weights: {},
    history: [],
    provider: opts.provider,
    trainParams: {},
  };
}
