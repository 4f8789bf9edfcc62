import type { DatasetSplit, DatasetValue, TrainedModelValue } from '../../common';
import { preparationDiff } from '../../common/nodes/eval/preparationDiff';
import { UserError } from '../executors/Executor';
import { runTrainedModel } from '../inference/runModel';
import { rowsAreProbabilities } from '../onnx/runOnDataset';

/** Probabilities below this are taken as this before the log (exp(−69): no softened weight at any T ≥ 1). */
const FLOOR = 1e-30;

const names = (xs: readonly string[] | undefined): string => (xs ? ` (${xs.map((x) => `'${x}'`).join(', ')})` : '');

/**
 * Refuses a teacher that cannot teach a student on `data`: another task, another number of
 * classes, or another preparation (class names, feature columns, fitted steps), naming both sides.
 */
export function checkTeacher(teacher: TrainedModelValue, data: DatasetValue, classes: number, where: string): void {
  if (teacher.task !== 'classification' || data.task !== 'classification')
    throw new UserError(
      `${where}: distillation needs a classifier teacher and a classification dataset; the teacher does ${teacher.task} and the dataset is for ${data.task}`,
      1,
    );
  const teacherClasses = teacher.classNames?.length;
  if (teacherClasses !== undefined && teacherClasses !== classes)
    throw new UserError(
      `${where}: the teacher predicts ${teacherClasses} classes${names(teacher.classNames)} but the student's dataset has ${classes}${names(data.classNames)}; connect a teacher trained on the same classes`,
      1,
    );
  const diff = preparationDiff(teacher, data);
  if (diff.length)
    throw new UserError(
      `${where}: the teacher was trained on data prepared differently from the student's dataset: ${diff.join('; ')}. ` +
        "Train the teacher on the student's prepared dataset (the same prep nodes) so both see the same features",
      1,
    );
  if (!teacher.rawInputs && teacher.featureShape.join('x') !== data.featureShape.join('x'))
    throw new UserError(
      `${where}: the teacher takes features [${teacher.featureShape.join(', ')}] but the student's dataset has [${data.featureShape.join(', ')}]`,
      1,
    );
}

/**
 * The teacher's logits for every row of `split`, row-major `n × classes`, computed once by
 * onnxruntime from its inference model. A model that outputs probabilities gives log p (logits up
 * to a per-row constant, which the softmax of distillation ignores).
 */
export async function teacherLogits(
  teacher: TrainedModelValue,
  split: DatasetSplit,
  classes: number,
  where: string,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const out = await runTrainedModel(teacher, split, split.n, { ...(signal ? { signal } : {}) });
  if (out.width !== classes)
    throw new UserError(
      `${where}: the teacher outputs ${out.width} values per row but the student's dataset has ${classes} classes; connect a teacher trained on the same classes`,
      1,
    );
  const v = out.values;
  if (rowsAreProbabilities(v, out.width)) for (let i = 0; i < v.length; i++) v[i] = Math.log(Math.max(v[i], FLOOR));
  return v;
}
