import path from 'node:path';
import type {
  DatasetSplit,
  DatasetValue,
  LearnerValue,
  NodeSummary,
  PruningInfo,
  TrainedModelValue,
} from '../../../common';
import { prunableParams, specOfResolved, splitMask } from '../../../common/model/pruning';
import { fineTuneStart } from '../../training/fineTune';
import { checkTeacher, teacherLogits } from '../../training/teacherLogits';
import {
  buildInferenceGraph,
  isClassificationLoss,
  ModelShapeError,
  outputUnitsFor,
  resolveSpec,
  unpackParams,
  type LossKind,
  type ModelSpecValue,
  type ResolvedModel,
} from '../../../common/model';
import type { TrainerParams } from '../../../common/nodes/train/trainer';
import { atomicWrite } from '../../engine/atomicWrite';
import { classWeightsFor } from '../../training/Batcher';
import { trainValidation } from '../../training/holdout';
import { lossStillDecreasing, STILL_DECREASING } from '../../training/lossTrend';
import { formatMetrics, trainLoop } from '../../training/trainLoop';
import { CancelledError, UserError, type Executor, type ExecutorContext } from '../Executor';
import { modelSchemaOf } from '../../../common/modelSchema';
import { trainedOnOf } from '../../../common/learners/trainedOn';

function checkUnitRange(split: DatasetSplit, where: string): void {
  const width = split.x.length / Math.max(split.n, 1);
  for (let i = 0; i < split.x.length; i++) {
    const v = split.x[i];
    if (!(v >= 0 && v <= 1)) {
      throw new UserError(
        `${where}: binary_cross_entropy reconstructs values in [0, 1], but row ${Math.floor(i / width)} of the training split has ${v} ` +
          `(feature ${i % width}); add prep.minmax before the trainer or pick loss mse`,
        1,
      );
    }
  }
}

function chooseLoss(p: TrainerParams, data: DatasetValue, where: string): LossKind {
  if (p.target === 'input') {
    const loss: LossKind = p.loss === 'auto' ? 'mse' : p.loss;
    if (loss === 'cross_entropy')
      throw new UserError(
        `${where}: cross_entropy cannot reconstruct the input; pick mse, mae, huber or binary_cross_entropy`,
        1,
      );
    return loss;
  }
  const loss: LossKind = p.loss === 'auto' ? (data.task === 'classification' ? 'cross_entropy' : 'mse') : p.loss;
  if (isClassificationLoss(loss) !== (data.task === 'classification')) {
    throw new UserError(`${where}: loss ${loss} does not fit a ${data.task} dataset; pick loss auto`, 1);
  }
  return loss;
}

/** The pruning record a fine-tuned model carries on: the masks in force at the end, no dense start. */
function keptPruning(model: ResolvedModel, pruning: PruningInfo, mask: Float32Array | undefined): PruningInfo {
  const { dense: _dense, ...rest } = pruning;
  return mask ? { ...rest, masks: splitMask(model, mask, prunableParams(model)) } : rest;
}

function classCount(data: DatasetValue): number {
  if (data.classNames?.length) return data.classNames.length;
  let max = -1;
  for (const s of Object.values(data.splits)) for (let i = 0; i < s.y.length; i++) max = Math.max(max, s.y[i]);
  return max + 1;
}

function checkLabels(split: DatasetSplit, k: number, name: string, where: string): void {
  for (let i = 0; i < split.n; i++) {
    const c = split.y[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new UserError(
        `${where}: row ${i} of the ${name} split has class index ${c}, outside 0..${k - 1}; the dataset's labels and class names disagree`,
        1,
      );
    }
  }
}

function resolveFor(
  spec: ModelSpecValue | undefined,
  data: DatasetValue,
  loss: LossKind,
  target: TrainerParams['target'],
  where: string,
): ResolvedModel {
  if (spec?.format !== 'weft.model')
    throw new UserError(`${where}: the model input is not a model spec; connect a model.* or layer.* node`, 1);
  const width = data.featureShape.reduce((a, b) => a * b, 1);
  try {
    const model = resolveSpec(spec, {
      featureShape: data.featureShape,
      outputUnits: target === 'input' ? width : outputUnitsFor(loss, classCount(data), data.targetDim ?? 1),
    });
    const out = model.outputShape.reduce((a, b) => a * b, 1);
    if (target === 'input' && out !== width)
      throw new UserError(
        `${where}: target input needs a model whose output has as many values per sample as the input (${width}, ` +
          `features [${data.featureShape.join(', ')}]), but its output is [${model.outputShape.join(', ')}]; end the decoder with a Dense layer of units auto`,
        1,
      );
    return model;
  } catch (e) {
    if (e instanceof ModelShapeError) throw new UserError(`${where}: ${e.message}`, 1);
    throw e;
  }
}

/** An autoencoder's schema: the dataset's features in, as many values out (a regression of the input on itself). */
function autoencoderSchema(data: DatasetValue): ReturnType<typeof modelSchemaOf> {
  const { classNames: _classes, targetName: _target, ...schema } = modelSchemaOf(data);
  return {
    ...schema,
    task: 'regression',
    targetName: 'reconstruction',
    targetDim: data.featureShape.reduce((a, b) => a * b, 1),
  };
}

/** Refuses an Embedding whose table is smaller than the token ids prep.tokenize gives. */
function checkVocabulary(model: ResolvedModel, data: DatasetValue, where: string): void {
  const ids = data.transforms.reduce((m, t) => (t.kind === 'tokenize' ? Math.max(m, t.vocab.length + 2) : m), 0);
  for (const n of model.nodes) {
    if (n.layer.kind === 'embedding' && n.layer.vocabSize < ids)
      throw new UserError(
        `${where}: layer ${n.id} (Embedding) has vocabSize ${n.layer.vocabSize}, but prep.tokenize gives token ids up to ${ids - 1}; set its vocabSize to at least ${ids}`,
        1,
      );
  }
}

/** The inference graph and per-name weights (BatchNorm running statistics included). */
function packageWeights(
  model: ResolvedModel,
  params: Float32Array,
  buffers: Float32Array,
  task: DatasetValue['task'],
  loss: LossKind,
) {
  const weights: Record<string, Float32Array> = {};
  unpackParams(model, params).forEach((v, i) => (weights[model.params[i].name] = v));
  let at = 0;
  for (const b of model.buffers) {
    const n = b.shape.reduce((a, c) => a * c, 1);
    weights[b.name] = buffers.slice(at, at + n);
    at += n;
  }
  return { onnx: buildInferenceGraph(model, params, { task, loss, buffers }), weights };
}

/** What a training run reports to its host: the executor's context, or a comparison node's fold. */
export type TrainHost = Pick<ExecutorContext, 'signal' | 'progress' | 'log' | 'epochMetrics' | 'workspace' | 'nodeId'>;

/** Optional inputs of a training run: a teacher to distil from, a trained model to fine-tune. */
export interface TrainExtras {
  teacher?: TrainedModelValue;
  init?: TrainedModelValue;
}

/**
 * A model spec (or, with `extras.init`, a trained model to fine-tune) trained on a dataset's train
 * split with trainer params `p`, distilled from `extras.teacher` when given: the trained model and the summary.
 */
export async function trainSpec(
  ctx: TrainHost,
  spec: ModelSpecValue | undefined,
  data: DatasetValue,
  p: TrainerParams,
  where: string,
  extras: TrainExtras = {},
): Promise<{ trained: TrainedModelValue; summary: NodeSummary }> {
  const loss = chooseLoss(p, data, where);
  const units =
    p.target === 'input'
      ? data.featureShape.reduce((a, c) => a * c, 1)
      : outputUnitsFor(loss, classCount(data), data.targetDim ?? 1);
  const start = extras.init ? fineTuneStart(extras.init, data, units, p.epochs, where, ctx.log) : undefined;
  const model = start?.model ?? resolveFor(spec, data, loss, p.target, where);
  checkVocabulary(model, data, where);
  if (extras.teacher) {
    if (loss !== 'cross_entropy')
      throw new UserError(
        `${where}: distillation needs the cross_entropy loss (loss auto on a classification dataset), not ${loss}`,
        1,
      );
    checkTeacher(extras.teacher, data, classCount(data), where);
  }
  let split;
  try {
    split = trainValidation(data, p.validationFraction, p.seed);
  } catch (e) {
    throw new UserError(`${where}: ${(e as Error).message}; connect a dataset from prep.split or a reader`, 1);
  }
  if (split.train.n === 0)
    throw new UserError(`${where}: the training split is empty; give it a non-zero ratio in prep.split`, 1);
  let classWeights: Float32Array | undefined;
  if (p.target === 'input' && loss === 'binary_cross_entropy' && !split.train.lazy) checkUnitRange(split.train, where);
  if (data.task === 'classification' && p.target === 'label') {
    checkLabels(split.train, classCount(data), 'train', where);
    if (split.validation) checkLabels(split.validation, classCount(data), 'validation', where);
    try {
      classWeights = classWeightsFor(p.classWeights, split.train.y, classCount(data));
    } catch (e) {
      throw new UserError(`${where}: ${(e as Error).message}`, 1);
    }
  }
  let monitor = p.monitor;
  if (!split.validation && monitor.startsWith('val_')) {
    monitor = monitor.slice(4);
    ctx.log(
      `no validation rows (the dataset has no validation split and validationFraction is 0): monitoring ${monitor} instead of ${p.monitor}` +
        (p.restoreBest ? `; restoreBest keeps the last epoch's weights (it restores only on validation data)` : ''),
      'warn',
    );
  } else if (p.restoreBest && !monitor.startsWith('val_')) {
    ctx.log(
      `restoreBest keeps the last epoch's weights: it restores only the best epoch of a validation metric, and ${monitor} is measured on the training rows`,
      'info',
    );
  }
  const restoreBest = p.restoreBest && Boolean(split.validation) && monitor.startsWith('val_');
  const checkpointFile = path.join(ctx.workspace, `${ctx.nodeId}.best.onnx`);
  const writeCheckpoint = async (params: Float32Array, buffers: Float32Array): Promise<void> => {
    await atomicWrite(checkpointFile, packageWeights(model, params, buffers, data.task, loss).onnx);
  };

  const started = performance.now();
  const teacher = extras.teacher
    ? {
        logits: await teacherLogits(extras.teacher, split.train, classCount(data), where, ctx.signal),
        temperature: p.temperature,
        alpha: p.alpha,
      }
    : undefined;
  const result = await trainLoop({
    ...(teacher ? { teacher } : {}),
    ...(start ? { initial: { params: start.params, buffers: start.buffers } } : {}),
    ...(start?.mask ? { mask: start.mask } : {}),
    model,
    task: data.task,
    train: split.train,
    ...(split.validation ? { validation: split.validation } : {}),
    loss,
    target: p.target === 'input' ? 'input' : 'labels',
    optimizer: {
      kind: p.optimizer,
      momentum: p.momentum,
      beta1: p.beta1,
      beta2: p.beta2,
      epsilon: p.epsilon,
      rho: p.momentum,
    },
    weightDecay: p.weightDecay,
    clipNorm: p.clipNorm,
    labelSmoothing: p.labelSmoothing,
    ...(classWeights ? { classWeights } : {}),
    epochs: p.epochs,
    batchSize: p.batchSize,
    lr: p.lr,
    schedule: {
      kind: p.schedule,
      warmupEpochs: p.warmupEpochs,
      stepSize: p.stepSize,
      gamma: p.gamma,
      minLr: p.minLr,
      patience: p.plateauPatience,
      factor: p.plateauFactor,
      minDelta: p.minDelta,
    },
    shuffle: p.shuffle,
    seed: p.seed,
    monitor,
    patience: p.earlyStopping ? p.patience : 0,
    minDelta: p.minDelta,
    restoreBest,
    provider: p.provider,
    threads: p.threads,
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(f, m),
    epochMetrics: ctx.epochMetrics,
    log: ctx.log,
    ...(p.checkpoint
      ? { onBest: (_e: number, params: Float32Array, buffers: Float32Array) => writeCheckpoint(params, buffers) }
      : {}),
  }).catch((e: unknown) => {
    if (e instanceof CancelledError || e instanceof UserError) throw e;
    throw new UserError(`${where}: training failed: ${(e as Error).message}`, 1);
  });
  if (result.cancelled) {
    await writeCheckpoint(result.params, result.buffers);
    ctx.log(`cancelled: the best weights so far (epoch ${result.weightsEpoch}) are in ${checkpointFile}`, 'warn');
    throw new CancelledError();
  }
  const { onnx, weights } = packageWeights(model, result.params, result.buffers, data.task, loss);
  const trained: TrainedModelValue = {
    ...(p.target === 'input' ? autoencoderSchema(data) : modelSchemaOf(data)),
    onnx,
    inputName: 'input',
    outputName: 'output',
    spec: model,
    weights,
    history: result.history,
    provider: result.provider,
    ...(data.fingerprint ? { datasetFingerprint: data.fingerprint } : {}),
    ...(start?.pruning ? { pruning: keptPruning(model, start.pruning, result.mask) } : {}),
    trainParams: {
      ...p,
      ...(extras.teacher ? { distilled: true } : {}),
      ...(start ? { fineTuned: true } : {}),
      loss,
      monitor,
      validation: split.source,
      trainRows: split.train.n,
      validationRows: split.validation?.n ?? 0,
      steps: result.steps,
      weightsEpoch: result.weightsEpoch,
      stoppedEarly: result.stoppedEarly,
      parameters: model.params.reduce((a, q) => a + q.shape.reduce((x, y) => x * y, 1), 0),
    },
  };
  const last = result.history.at(-1)?.metrics ?? {};
  const seconds = (performance.now() - started) / 1000;
  const restored = restoreBest && result.weightsEpoch < result.history.length;
  const best = result.history[result.weightsEpoch - 1]?.metrics[monitor];
  if (restored) {
    ctx.log(
      `restoreBest: restored the weights of epoch ${result.weightsEpoch}, the best ${monitor}${best !== undefined ? ` (${best.toFixed(4)})` : ''}; the last epoch was ${result.history.length}`,
    );
  }
  const unfinished = !result.stoppedEarly && lossStillDecreasing(result.history);
  if (unfinished) ctx.log(STILL_DECREASING, 'warn');
  const text =
    `${result.history.length} epochs on ${result.provider} in ${seconds.toFixed(1)} s` +
    `${result.stoppedEarly ? ' (stopped early)' : ''}; weights of epoch ${result.weightsEpoch}` +
    (restored ? ` (restored: best ${monitor})` : '') +
    (teacher ? `; distilled from the teacher (T ${p.temperature}, alpha ${p.alpha})` : '') +
    (start
      ? `; fine-tuned from the model on "init"${start.pruning ? ` (${start.pruning.method} pruning kept)` : ''}`
      : '') +
    `; ${formatMetrics(last)}` +
    (unfinished ? `; ${STILL_DECREASING}` : '') +
    (result.notes.length ? `; ${result.notes.join('; ')}` : '');
  return {
    trained,
    summary: { text, metrics: last, provider: result.provider, ...(p.checkpoint ? { files: [checkpointFile] } : {}) },
  };
}

export const trainerExecutor: Executor<TrainerParams> = async (ctx) => {
  const where = `train.trainer (${ctx.nodeId})`;
  const teacher = ctx.inputs.teacher as TrainedModelValue | undefined;
  const init = ctx.inputs.init as TrainedModelValue | undefined;
  if (!init && !ctx.inputs.model)
    throw new UserError(`${where}: connect a model spec on "model" or a trained model to fine-tune on "init"`, 1);
  const { trained, summary } = await trainSpec(
    ctx,
    ctx.inputs.model as ModelSpecValue | undefined,
    ctx.inputs.data as DatasetValue,
    ctx.params,
    where,
    { ...(teacher ? { teacher } : {}), ...(init ? { init } : {}) },
  );
  const spec = (ctx.inputs.model as ModelSpecValue | undefined) ?? specOfResolved(trained.spec as ResolvedModel);
  const learner: LearnerValue = {
    format: 'weft.learner',
    learner: 'train.trainer',
    task: trained.task,
    params: { ...ctx.params },
    seed: ctx.params.seed,
    model: spec,
    trainedOn: trainedOnOf(ctx.inputs.data as DatasetValue),
  };
  return { outputs: { model: trained, learner }, summary };
};
