import type { DatasetValue, TrainedModelValue, WindowSpec } from './values';

/**
 * The part of a TrainedModel that comes from the dataset it was fitted on (feature shape and names,
 * class names, target, raw inputs and fitted steps), copied so the model owns it. The neural trainer
 * and every classical learner build their model on it.
 */
export function modelSchemaOf(
  data: DatasetValue,
): Pick<
  TrainedModelValue,
  | 'task'
  | 'featureShape'
  | 'featureNames'
  | 'classNames'
  | 'targetName'
  | 'targetDim'
  | 'rawFeatures'
  | 'transforms'
  | 'window'
> {
  return {
    task: data.task,
    featureShape: [...data.featureShape],
    ...(data.featureNames ? { featureNames: [...data.featureNames] } : {}),
    ...(data.classNames ? { classNames: [...data.classNames] } : {}),
    ...(data.targetName !== undefined ? { targetName: data.targetName } : {}),
    ...(data.targetDim !== undefined ? { targetDim: data.targetDim } : {}),
    ...(data.rawFeatures ? { rawFeatures: data.rawFeatures.map((f) => ({ ...f })) } : {}),
    transforms: data.transforms.map((t) => ({ ...t })),
    ...(data.window ? { window: JSON.parse(JSON.stringify(data.window)) as WindowSpec } : {}),
  };
}
