import type { DatasetValue, LearnerValue, TrainedModelValue } from '../values';
import { LearnerError, type FitData, type FitHooks, type LearnerModule } from './types';
import type { TreeSketch } from './treeSketch';
import { modelSchemaOf } from '../modelSchema';
import { DataError } from '../nodes/prep/DataError';
import { densifyGuarded } from '../sparse';

function classCount(data: DatasetValue, y: Int32Array | Float32Array): number {
  if (data.classNames?.length) return data.classNames.length;
  let max = -1;
  for (let i = 0; i < y.length; i++) max = Math.max(max, y[i]);
  return max + 1;
}

/** The training split as a learner sees it, after every check a user can act on. */
export function fitDataOf<P>(module: LearnerModule<P>, data: DatasetValue, params?: P): FitData {
  if (!module.tasks.includes(data.task)) {
    throw new LearnerError(module.wrongTask ?? `${module.type} does not fit ${data.task} datasets`);
  }
  const train = data.splits.train;
  if (!train) {
    throw new LearnerError(
      `the dataset has no "train" split (it has ${Object.keys(data.splits).join(', ') || 'none'}); connect prep.split`,
    );
  }
  if (train.lazy) {
    throw new LearnerError(
      'the training split is read from files batch by batch (above the reader memoryBudgetMB); classical learners ' +
        'need the rows in memory: raise memoryBudgetMB or use a neural model',
    );
  }
  if (train.n === 0) throw new LearnerError('the training split is empty; give it a non-zero ratio in prep.split');
  const d = data.featureShape.reduce((a, c) => a * c, 1);
  const names = data.featureNames?.length === d ? data.featureNames : Array.from({ length: d }, (_, j) => `x${j}`);
  const sparse =
    train.sparse && params !== undefined && module.readsSparse?.(params, data.task) ? train.sparse : undefined;
  let x = train.x;
  if (train.sparse && !sparse) {
    try {
      x = densifyGuarded(train.sparse, module.type);
    } catch (e) {
      if (e instanceof DataError) throw new LearnerError(e.message);
      throw e;
    }
  }
  const cells = sparse ? sparse.values : x;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (Number.isFinite(v) || (Number.isNaN(v) && module.handlesMissing)) continue;
    const row = sparse ? sparse.indptr.findIndex((p) => p > i) - 1 : Math.floor(i / d);
    const col = names[sparse ? sparse.indices[i] : i % d];
    throw new LearnerError(
      Number.isNaN(v)
        ? `column ${col} has a missing value (NaN) in row ${row} of the training split; fill missing values with ` +
            'prep.impute before this node (ml.boosting handles them natively)'
        : `column ${col} has an infinite value in row ${row} of the training split; remove or clip it before this node`,
    );
  }
  const targetDim = data.task === 'regression' ? (data.targetDim ?? 1) : 1;
  let classes = 0;
  if (data.task === 'classification') {
    classes = classCount(data, train.y);
    const seen = new Set<number>();
    for (let i = 0; i < train.n; i++) {
      const c = train.y[i];
      if (!Number.isInteger(c) || c < 0 || c >= classes) {
        throw new LearnerError(`row ${i} of the training split has class index ${c}, outside 0..${classes - 1}`);
      }
      seen.add(c);
    }
    if (seen.size < 2) {
      const only = [...seen][0] ?? 0;
      throw new LearnerError(
        `the training split has a single class (${data.classNames?.[only] ?? only}); a classifier needs at least two: ` +
          'check the target column, or stratify prep.split',
      );
    }
  } else {
    for (let i = 0; i < train.y.length; i++) {
      if (!Number.isFinite(train.y[i])) {
        throw new LearnerError(
          `the target has a missing or infinite value in row ${Math.floor(i / targetDim)} of the training split; ` +
            'drop those rows before this node',
        );
      }
    }
  }
  return {
    task: data.task,
    x: sparse ? new Float32Array(0) : x,
    ...(sparse ? { sparse } : {}),
    n: train.n,
    d,
    featureShape: [...data.featureShape],
    y: train.y,
    classes,
    targetDim,
    featureNames: names,
  };
}

/** Fits `module` on the dataset's training split; the model is a TrainedModel like the neural trainer's. */
export async function fitLearner<P>(
  module: LearnerModule<P>,
  params: P,
  data: DatasetValue,
  hooks: FitHooks,
): Promise<{
  model: TrainedModelValue;
  learner: LearnerValue;
  text: string;
  metrics: Record<string, number>;
  tree?: TreeSketch;
}> {
  const fitData = fitDataOf(module, data, params);
  const fitted = await module.fit(fitData, params, hooks);
  const recipe = params as Record<string, unknown>;
  const model: TrainedModelValue = {
    ...modelSchemaOf(data),
    onnx: fitted.onnx,
    inputName: 'input',
    outputName: 'output',
    spec: null,
    weights: {},
    history: fitted.history,
    provider: 'cpu',
    ...(data.fingerprint ? { datasetFingerprint: data.fingerprint } : {}),
    trainParams: { learner: module.type, ...recipe, trainRows: fitData.n, ...fitted.info },
  };
  const learner: LearnerValue = {
    format: 'weft.learner',
    learner: module.type,
    task: data.task,
    params: { ...recipe },
    seed: module.seedOf(params),
  };
  const classNames = data.task === 'classification' ? data.classNames : undefined;
  const tree = fitted.tree && { ...fitted.tree, ...(classNames ? { classNames } : {}) };
  return { model, learner, text: fitted.text, metrics: fitted.metrics, ...(tree ? { tree } : {}) };
}
