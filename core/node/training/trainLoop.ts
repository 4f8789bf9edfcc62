import * as ort from 'onnxruntime-node';
import type { DatasetSplit, EpochRecord } from '../../common';
import {
  buildTrainingGraph,
  initBuffers,
  initParams,
  packParams,
  trainingScalars,
  type LossKind,
  type OptimizerConfig,
  type ResolvedModel,
  type TrainingConfig,
  type TrainingGraph,
} from '../../common/model';
import { CancelledError } from '../executors/Executor';
import { openSession, type ProviderChoice, type ProviderName } from '../onnx/session';
import { Batcher } from './Batcher';
import { pendingRows } from '../../common/deferFeatures';
import { DataParallel } from './DataParallel';
import { HostAdam } from './HostAdam';
import { EarlyStopping, higherIsBetter } from './EarlyStopping';
import { forwardMacs, planWorkers } from './parallelPlan';
import { LrSchedule, type ScheduleConfig } from './schedule';
import { Validator } from './Validator';

export interface TrainLoopOptions {
  model: ResolvedModel;
  task: 'classification' | 'regression';
  train: DatasetSplit;
  validation?: DatasetSplit;
  loss: LossKind;
  /** `input`: an autoencoder, trained to output its input (no labels fed). @default 'labels' */
  target?: 'labels' | 'input';
  optimizer: OptimizerConfig;
  weightDecay?: number;
  clipNorm?: number;
  labelSmoothing?: number;
  classWeights?: Float32Array;
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: ScheduleConfig;
  shuffle: boolean;
  seed: number;
  /** Metric watched by early stopping, best-weights tracking and reduce-on-plateau. */
  monitor: string;
  /** Stop after this many epochs without improvement; 0 = never. */
  patience: number;
  minDelta: number;
  restoreBest: boolean;
  provider: ProviderChoice;
  /**
   * 1: one onnxruntime session on one thread. n > 1: n data-parallel workers, each a one-thread
   * session on a slice of the batch, when the model allows it and the batch is large enough
   * (`planWorkers`), else one session with n intra-op threads. 0: as many workers as cores when
   * that pays, else one session with onnxruntime's default threads.
   */
  threads: number;
  /** onnxruntime graph optimizations of the step graph. @default 'extended' (`all` adds layout reorders around MaxPool) */
  optimization?: 'basic' | 'extended' | 'all';
  signal?: AbortSignal;
  /** Fraction of the whole run and a message, at most every `progressEveryMs`. */
  progress?: (fraction: number, message: string) => void;
  progressEveryMs?: number;
  epochMetrics?: (epoch: number, metrics: Record<string, number>) => void;
  /** Called when the monitored metric improves, with the new best weights (views: copy to keep). */
  onBest?: (epoch: number, params: Float32Array, buffers: Float32Array) => Promise<void> | void;
  log?: (message: string, level?: 'info' | 'warn') => void;
  /** Knowledge distillation: the teacher's logits for every training row (row-major `n × units`), T and α. */
  teacher?: { logits: Float32Array; temperature: number; alpha: number };
  /** Start from these weights (fine-tuning) instead of a fresh initialisation. */
  initial?: { params: Float32Array; buffers?: Float32Array };
  /**
   * Pruning masks over the flat params (1 keeps, 0 prunes), kept in the step graph. `update`, when
   * given, is called before each epoch with the current params and may return a new mask (a gradual
   * schedule); pruned params are zeroed whenever the mask changes.
   */
  mask?: { initial: Float32Array; update?: (epoch: number, params: Float32Array) => Float32Array | undefined };
  /** Called after every optimizer step with the 1-based step number and its loss (benchmarks time the hot loop with it). */
  onStep?: (step: number, loss: number) => void;
}

const trainingConfig = (o: TrainLoopOptions, seed: number): TrainingConfig => ({
  loss: o.loss,
  optimizer: o.optimizer,
  weightDecay: o.weightDecay ?? 0,
  clipNorm: o.clipNorm ?? 0,
  labelSmoothing: o.labelSmoothing ?? 0,
  ...(o.classWeights ? { classWeights: [...o.classWeights] } : {}),
  seed,
  ...(o.target ? { target: o.target } : {}),
  ...(o.teacher ? { distill: { temperature: o.teacher.temperature, alpha: o.teacher.alpha } } : {}),
  ...(o.mask ? { masked: true } : {}),
});

export interface TrainLoopResult {
  /** The flat parameter vector returned: the best epoch's when `restoreBest`, else the last. */
  params: Float32Array;
  /** BatchNorm running statistics matching `params`. */
  buffers: Float32Array;
  history: EpochRecord[];
  provider: ProviderName;
  notes: string[];
  /** 1-based epoch whose weights `params` holds (0: the initial weights). */
  weightsEpoch: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Cancelled between steps: `params` holds the best (or latest) weights so far. */
  cancelled: boolean;
  steps: number;
  /** The pruning mask in force at the end (with `mask`). */
  mask?: Float32Array;
}

type Carried = Record<string, ort.Tensor>;

/**
 * Largest split (its features, in bytes) copied once to shared memory so that data-parallel
 * workers copy their own rows of each batch; larger ones are batched by the trainer's thread.
 */
const GATHER_LIMIT = 256 * 2 ** 20;

function shared<A extends Float32Array | Int32Array>(a: A): A {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new (a.constructor as new (b: SharedArrayBuffer) => A)(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function labelArray(graph: TrainingGraph, split: DatasetSplit): Int32Array | Float32Array {
  if (!graph.labelName) return new Int32Array(split.n);
  if (graph.labelType === 'int32') return split.y instanceof Int32Array ? split.y : Int32Array.from(split.y);
  return split.y instanceof Float32Array ? split.y : Float32Array.from(split.y);
}

/**
 * Trains a resolved model with the compiled training-step graph on onnxruntime. Step t's output
 * tensors are fed back as step t+1's inputs; batch buffers and scalar feeds are allocated once.
 * Cancellation is checked between steps and keeps the best weights so far.
 */
export async function trainLoop(o: TrainLoopOptions): Promise<TrainLoopResult> {
  // On the CPU, Adam runs outside the graph as one fused SIMD pass (HostAdam): the graph stops at the gradient.
  let hostUpdate = HostAdam.handles(o.optimizer) && (o.provider === 'cpu' || o.provider === 'auto');
  let graph = buildTrainingGraph(o.model, { ...trainingConfig(o, o.seed), gradientsOnly: hostUpdate });
  const rowSize = o.model.inputShape.reduce((a, b) => a * b, 1);
  const labelType = graph.labelName ? graph.labelType : 'int32';
  const labelSize = labelType === 'int32' ? 1 : o.model.outputShape.reduce((a, b) => a * b, 1);
  const n = o.train.n;
  if (n === 0) throw new Error('the training split is empty');
  const batchSize = Math.min(o.batchSize, n);
  let workers = planWorkers({
    threads: o.threads,
    batchSize,
    macsPerSample: forwardMacs(o.model),
    ...(graph.bufferCount ? { blocker: 'batch statistics (BatchNorm) depend on the whole batch' } : {}),
  });
  if (o.provider !== 'cpu' && o.provider !== 'auto') workers = 1;
  const optimization = o.optimization ?? 'extended';
  let opened: { session?: ort.InferenceSession; provider: ProviderName; notes: string[] } =
    workers > 1 && o.provider === 'cpu'
      ? { provider: 'cpu', notes: [] }
      : await openSession(graph.onnx, {
          provider: o.provider,
          threads: o.threads,
          graphOptimizationLevel: optimization,
        });
  if (opened.provider !== 'cpu') workers = 1;
  if (hostUpdate && opened.session && opened.provider !== 'cpu') {
    await opened.session.release();
    hostUpdate = false;
    graph = buildTrainingGraph(o.model, trainingConfig(o, o.seed));
    const notes = opened.notes;
    opened = await openSession(graph.onnx, {
      provider: opened.provider,
      threads: o.threads,
      graphOptimizationLevel: optimization,
    });
    opened.notes = [...notes, ...opened.notes];
  }
  if (workers > 1 && opened.session) {
    await opened.session.release();
    opened = { provider: 'cpu', notes: opened.notes };
  }
  // a tabular split whose x is still unbuilt is fed a chunk of rows at a time (Batcher), never whole
  const featureRows = o.train.lazy || o.train.sparse ? undefined : pendingRows(o.train);
  const batcher = new Batcher(
    {
      x: featureRows ? new Float32Array(0) : o.train.x,
      ...(featureRows ? { rows: featureRows } : {}),
      y: labelArray(graph, o.train),
      n,
      ...(o.train.lazy ? { lazy: o.train.lazy } : {}),
      ...(o.teacher ? { soft: o.teacher.logits } : {}),
      ...(o.train.sparse ? { sparse: o.train.sparse } : {}),
    },
    {
      batchSize,
      ...(o.teacher ? { softSize: o.model.outputShape.reduce((a, b) => a * b, 1) } : {}),
      rowSize,
      labelSize,
      labels: labelType === 'int32' ? 'int32' : 'float32',
      shuffle: o.shuffle,
      seed: o.seed,
      shared: workers > 1,
    },
  );
  const stepsPerEpoch = batcher.batches;
  const schedule = new LrSchedule(o.lr, o.schedule, o.epochs, stepsPerEpoch);
  const stopper = new EarlyStopping({ monitor: o.monitor, patience: o.patience, minDelta: o.minDelta });

  // Under `auto` a provider left out is expected (a CPU-only machine): the note goes to the details,
  // and only a provider the user asked for by name that could not be used is a warning.
  for (const note of opened.notes) o.log?.(note, o.provider === 'auto' ? 'info' : 'warn');
  const validator =
    o.validation && o.validation.n > 0
      ? new Validator(o.model, o.task, o.loss, o.validation, opened.provider, o.threads, o.labelSmoothing, o.target)
      : undefined;

  const init = o.initial ? Float32Array.from(o.initial.params) : packParams(initParams(o.model, o.seed).values);
  if (init.length !== graph.paramCount)
    throw new Error(`initial weights: expected ${graph.paramCount} parameters, got ${init.length}`);
  const initBuf = o.initial?.buffers ? Float32Array.from(o.initial.buffers) : initBuffers(o.model);
  let mask = o.mask ? Float32Array.from(o.mask.initial) : undefined;
  if (mask) for (let i = 0; i < init.length; i++) init[i] *= mask[i];
  const carried: Carried = {};
  for (const c of graph.carried) {
    const data =
      c.init === 'params' ? init : c.init === 'buffers' ? Float32Array.from(initBuf) : new Float32Array(c.size);
    carried[c.input] = new ort.Tensor('float32', data, [c.size]);
  }
  const paramsIn = graph.carried.find((c) => c.init === 'params')?.input;
  const host =
    hostUpdate && workers === 1 ? new HostAdam(init, o.optimizer, o.weightDecay ?? 0, o.clipNorm ?? 0) : undefined;
  const hostParams = host ? new ort.Tensor('float32', host.params, [host.params.length]) : undefined;
  const gather =
    workers > 1 && !featureRows && !o.train.lazy && !o.train.sparse && o.train.x.byteLength <= GATHER_LIMIT;
  const dp =
    workers > 1
      ? await DataParallel.open({
          ...(gather
            ? {
                gather: {
                  x: shared(o.train.x),
                  ...(graph.labelName ? { y: shared(labelArray(graph, o.train)) } : {}),
                  ...(o.teacher ? { soft: shared(o.teacher.logits) } : {}),
                  order: batcher.order,
                },
              }
            : {}),
          graphs: Array.from({ length: workers }, (_, w) =>
            buildTrainingGraph(o.model, { ...trainingConfig(o, o.seed + w), gradientsOnly: true }),
          ),
          batcher,
          batchSize,
          inputShape: o.model.inputShape,
          labelShape: labelSize === 1 && labelType === 'int32' ? [] : o.model.outputShape,
          ...(o.teacher ? { softShape: o.model.outputShape } : {}),
          optimizer: o.optimizer,
          weightDecay: o.weightDecay ?? 0,
          clipNorm: o.clipNorm ?? 0,
          optimization,
          params: init,
          ...(mask ? { mask } : {}),
        })
      : undefined;
  if (dp)
    o.log?.(
      `data-parallel training: ${workers} workers, one thread each, batch ${batchSize} split between them`,
      'info',
    );
  const rawParams = (): Float32Array => dp?.params ?? host?.params ?? (carried[paramsIn!].data as Float32Array);
  const buffersIn = graph.carried.find((c) => c.init === 'buffers')?.input;
  const effective = (p: Float32Array): Float32Array => {
    if (!mask) return p;
    const out = new Float32Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = p[i] * mask[i];
    return out;
  };
  const current = (): { params: Float32Array; buffers: Float32Array } => ({
    params: effective(rawParams()),
    buffers: buffersIn ? (carried[buffersIn].data as Float32Array) : initBuf,
  });
  const maskFeed = (): void => {
    if (mask && graph.maskName) feeds[graph.maskName] = new ort.Tensor('float32', mask, [mask.length]);
  };

  const bestParams = new Float32Array(graph.paramCount);
  const bestBuffers = new Float32Array(initBuf.length);
  let haveBest = false;

  const xShape = (rows: number): number[] => [rows, ...o.model.inputShape];
  const yShape = (rows: number): number[] =>
    labelSize === 1 && labelType === 'int32' ? [rows] : [rows, ...o.model.outputShape];
  const full = {
    x: new ort.Tensor('float32', batcher.x, xShape(batchSize)),
    y: new ort.Tensor(
      labelType === 'int32' ? 'int32' : 'float32',
      batcher.y as Int32Array | Float32Array,
      yShape(batchSize),
    ),
  };
  const lastRows = n - (stepsPerEpoch - 1) * batchSize;
  const last =
    lastRows === batchSize
      ? full
      : {
          x: new ort.Tensor('float32', batcher.x.subarray(0, lastRows * rowSize), xShape(lastRows)),
          y: new ort.Tensor(
            labelType === 'int32' ? 'int32' : 'float32',
            (batcher.y as Int32Array | Float32Array).subarray(0, lastRows * labelSize),
            yShape(lastRows),
          ),
        };
  // the chunked feed's batches are views of its chunk buffer: one tensor per place in the chunk
  const chunkTensors = new Map<number, ort.Tensor>();
  const featuresOf = (b: number, rows: number): ort.Tensor => {
    if (!batcher.chunked) return rows === batchSize ? full.x : last.x;
    const view = batcher.features(b);
    const key = view.byteOffset * 2 + (rows === batchSize ? 0 : 1);
    let t = chunkTensors.get(key);
    if (!t) chunkTensors.set(key, (t = new ort.Tensor('float32', view, xShape(rows))));
    return t;
  };
  const scalarData = Object.fromEntries(graph.scalarInputs.map((s) => [s, new Float32Array(1)]));
  const feeds: Record<string, ort.Tensor> = {};
  for (const s of graph.scalarInputs) feeds[s] = new ort.Tensor('float32', scalarData[s], []);
  maskFeed();
  const softDims = (rows: number): number[] => [rows, ...o.model.outputShape];
  const softFull = o.teacher ? new ort.Tensor('float32', batcher.soft, softDims(batchSize)) : undefined;
  const softLast =
    o.teacher && lastRows !== batchSize
      ? new ort.Tensor(
          'float32',
          batcher.soft.subarray(0, lastRows * (batcher.soft.length / batchSize)),
          softDims(lastRows),
        )
      : softFull;

  const history: EpochRecord[] = [];
  const everyMs = o.progressEveryMs ?? 100;
  let lastReport = 0;
  let step = 0;
  let cancelled = false;
  let stoppedEarly = false;
  let weightsEpoch = 0;
  try {
    for (let epoch = 0; epoch < o.epochs && !cancelled; epoch++) {
      const next = o.mask?.update?.(epoch, current().params);
      if (next) {
        mask = Float32Array.from(next);
        const p = effective(rawParams());
        if (dp) {
          dp.params.set(p);
          dp.setMask(mask);
        } else if (host) host.params.set(p);
        else carried[paramsIn!] = new ort.Tensor('float32', p, [p.length]);
        maskFeed();
      }
      batcher.startEpoch();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let prefetched = { batch: -1, rows: 0 };
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (o.signal?.aborted) {
          cancelled = true;
          break;
        }
        const rows =
          prefetched.batch === b
            ? prefetched.rows
            : gather
              ? Math.min(batchSize, n - b * batchSize)
              : batcher.lazy
                ? await batcher.fillAsync(b, o.signal)
                : batcher.fill(b, Boolean(dp));
        const batch = rows === batchSize ? full : last;
        step++;
        const lr = schedule.rate(epoch, b);
        const scalars = trainingScalars(graph, step, lr);
        for (const s of graph.scalarInputs) scalarData[s][0] = scalars[s]!;
        let l: number;
        if (dp) {
          const at = gather ? { start: b * batchSize } : { set: batcher.slot };
          const r = await dp.step(rows, scalars, at, () => {
            if (gather || batcher.lazy || b + 1 >= stepsPerEpoch) return;
            batcher.flip();
            prefetched = { batch: b + 1, rows: batcher.fill(b + 1) };
          });
          l = r.loss;
          correct += r.correct;
        } else {
          feeds[graph.inputName] = featuresOf(b, rows);
          if (graph.labelName) feeds[graph.labelName] = batch.y;
          if (graph.teacherName) feeds[graph.teacherName] = rows === batchSize ? softFull! : softLast!;
          for (const c of graph.carried) feeds[c.input] = carried[c.input]!;
          if (hostParams) feeds.params = hostParams;
          const out = await opened.session!.run(feeds);
          for (const c of graph.carried) carried[c.input] = out[c.output]!;
          host?.apply(out[graph.gradsName!].data as Float32Array, scalars.lr, scalars.bc1, scalars.bc2);
          l = (out[graph.lossName].data as Float32Array)[0];
          if (graph.correctName) correct += (out[graph.correctName].data as Float32Array)[0];
        }
        lossSum += l * rows;
        seen += rows;
        o.onStep?.(step, l);
        if (!Number.isFinite(l)) {
          throw new Error(
            `the loss became ${l} at epoch ${epoch + 1}, step ${b + 1}; lower the learning rate or standardize the features`,
          );
        }
        const now = performance.now();
        if (o.progress && now - lastReport >= everyMs) {
          lastReport = now;
          o.progress(
            (epoch + (b + 1) / stepsPerEpoch) / o.epochs,
            `epoch ${epoch + 1}/${o.epochs}, batch ${b + 1}/${stepsPerEpoch}, loss ${(lossSum / seen).toFixed(4)}`,
          );
        }
      }
      if (cancelled) break;
      weightsEpoch = epoch + 1;
      const metrics: Record<string, number> = { loss: lossSum / seen };
      if (graph.correctName) metrics.accuracy = correct / seen;
      const cur = current();
      if (validator) Object.assign(metrics, await validator.evaluate(cur.params, cur.buffers));
      metrics.lr = schedule.rate(epoch, stepsPerEpoch - 1);
      history.push({ epoch: epoch + 1, metrics });
      o.epochMetrics?.(epoch + 1, metrics);
      const monitored = metrics[o.monitor];
      if (monitored !== undefined) schedule.endEpoch(higherIsBetter(o.monitor) ? -monitored : monitored);
      const { improved, stop } = stopper.update(epoch + 1, metrics);
      if (improved) {
        bestParams.set(cur.params);
        bestBuffers.set(cur.buffers);
        haveBest = true;
        await o.onBest?.(epoch + 1, bestParams, bestBuffers);
      }
      o.progress?.((epoch + 1) / o.epochs, `epoch ${epoch + 1}/${o.epochs}: ${formatMetrics(metrics)}`);
      if (stop && epoch + 1 < o.epochs) {
        stoppedEarly = true;
        o.log?.(
          `early stopping after epoch ${epoch + 1}: ${o.monitor} has not improved for ${o.patience} epochs (best ${stopper.best.toPrecision(5)} at epoch ${stopper.bestEpoch})`,
        );
        break;
      }
    }
  } finally {
    await opened.session?.release();
    await dp?.close();
  }
  const useBest = haveBest && (o.restoreBest || cancelled);
  const fin = current();
  if (cancelled && !haveBest) throw new CancelledError();
  return {
    params: useBest ? bestParams : Float32Array.from(fin.params),
    buffers: useBest ? bestBuffers : Float32Array.from(fin.buffers),
    history,
    provider: opened.provider,
    notes: opened.notes,
    weightsEpoch: useBest ? stopper.bestEpoch : weightsEpoch,
    bestEpoch: stopper.bestEpoch,
    stoppedEarly,
    cancelled,
    steps: step,
    ...(mask ? { mask } : {}),
  };
}

export function formatMetrics(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${k === 'lr' ? v.toPrecision(3) : v.toFixed(4)}`)
    .join(', ');
}
