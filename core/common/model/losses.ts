import type { GraphBuilder, T } from './graph/GraphBuilder';
import {
  add,
  argMax,
  cast,
  compare,
  gather,
  logSoftmax,
  mul,
  oneHot,
  reduceMean,
  reduceSum,
  reshape,
  scale,
  sub,
  unary,
  where,
} from './graph/ops';

export type LossKind = 'cross_entropy' | 'binary_cross_entropy' | 'mse' | 'mae' | 'huber';

export interface LossOptions {
  /** Cross-entropy: targets (1−ε)·onehot + ε/K; binary: y·(1−ε) + ε/2 (Keras). @default 0 */
  labelSmoothing?: number;
  /** Per-class weights multiplying each sample's loss (the mean is still over the batch, as Keras). */
  classWeights?: readonly number[];
  /** Huber threshold. @default 1 */
  huberDelta?: number;
  /**
   * How a sample's output values combine into its loss: `mean`, or `sum` (reconstruction, so the
   * loss is on the scale of a VAE's KL term: the negative ELBO). @default 'mean'
   */
  perSample?: 'mean' | 'sum';
}

/** Knowledge distillation: blend the task loss with the KL divergence from a teacher's softened outputs. */
export interface DistillOptions {
  /** Softmax temperature T (> 0) applied to both teacher and student logits. */
  temperature: number;
  /** Weight of the task loss; the distillation term gets 1 − alpha. */
  alpha: number;
}

export interface LossResult {
  /** Mean loss over the batch, a scalar. */
  loss: T;
  /** Classification: how many samples of the batch the model got right (float scalar). */
  correct?: T;
}

/** The number of output units a loss needs for a task. */
export function outputUnitsFor(loss: LossKind, classes: number, targetDim = 1): number {
  if (loss === 'cross_entropy') return classes;
  if (loss === 'binary_cross_entropy') return classes > 2 ? classes : 1;
  return targetDim;
}

export const isClassificationLoss = (loss: LossKind): boolean =>
  loss === 'cross_entropy' || loss === 'binary_cross_entropy';

function weighted(b: GraphBuilder, perSample: T, labels64: T | undefined, o: LossOptions): T {
  if (!o.classWeights || !labels64) return perSample;
  return mul(b, perSample, gather(b, b.constF(o.classWeights), labels64, 0));
}

/** Each sample's values `[batch, ...]` combined into `[batch]` by `o.perSample`. */
function combineSample(b: GraphBuilder, per: T, o: LossOptions): T {
  const axes = per.shape.slice(1).map((_, i) => i + 1);
  return o.perSample === 'sum' ? reduceSum(b, per, axes) : reduceMean(b, per, axes);
}

/** The batch mean of per-element losses `[batch, ...]`. */
const meanLoss = (b: GraphBuilder, per: T, o: LossOptions): T =>
  o.perSample === 'sum'
    ? reduceMean(b, combineSample(b, per, o), [0])
    : reduceMean(
        b,
        per,
        per.shape.map((_, i) => i),
      );

/**
 * Emits a loss over `out` (`[batch, units]`, logits for the classification losses). `labels` is
 * int32 `[batch]` for classification, float `[batch, units]` for regression.
 */
export function emitLoss(b: GraphBuilder, kind: LossKind, out: T, labels: T, o: LossOptions = {}): LossResult {
  const eps = o.labelSmoothing ?? 0;
  switch (kind) {
    case 'cross_entropy': {
      const k = out.shape[1] as number;
      const labels64 = cast(b, labels, 'int64');
      const target = oneHot(b, labels64, k, eps / k, 1 - eps + eps / k);
      const per = unary(b, 'Neg', reduceSum(b, mul(b, target, logSoftmax(b, out, 1)), [1]));
      const correct = reduceSum(b, cast(b, compare(b, 'Equal', argMax(b, out, 1), labels64), b.float), [0]);
      return { loss: reduceMean(b, weighted(b, per, labels64, o), [0]), correct };
    }
    case 'binary_cross_entropy': {
      // Numerically stable form on logits z: max(z, 0) − z·y + log(1 + e^(−|z|)).
      const z = out.shape.length === 2 && out.shape[1] === 1 ? reshape(b, out, ['batch']) : out;
      const labels64 = z.shape.length === 1 ? cast(b, labels, 'int64') : undefined;
      let y = cast(b, labels, b.float);
      if (eps) y = add(b, scale(b, y, 1 - eps), b.constF(eps / 2));
      const soft = unary(b, 'Log', add(b, b.constF(1), unary(b, 'Exp', unary(b, 'Neg', unary(b, 'Abs', z)))));
      let per = add(b, sub(b, unary(b, 'Relu', z), mul(b, z, y)), soft);
      if (per.shape.length > 1) per = combineSample(b, per, o);
      const hit = compare(b, 'Equal', compare(b, 'Greater', z, b.constF(0)), cast(b, labels, 'bool'));
      const correct = z.shape.length === 1 ? reduceSum(b, cast(b, hit, b.float), [0]) : undefined;
      return { loss: reduceMean(b, weighted(b, per, labels64, o), [0]), ...(correct ? { correct } : {}) };
    }
    case 'mse':
    case 'mae':
    case 'huber': {
      const d = sub(b, out, labels);
      if (kind === 'mse') return { loss: meanLoss(b, mul(b, d, d), o) };
      const a = unary(b, 'Abs', d);
      if (kind === 'mae') return { loss: meanLoss(b, a, o) };
      const delta = o.huberDelta ?? 1;
      const quad = scale(b, mul(b, d, d), 0.5);
      const lin = scale(b, sub(b, a, b.constF(delta / 2)), delta);
      const per = where(b, compare(b, 'Less', a, b.constF(delta)), quad, lin);
      return { loss: meanLoss(b, per, o) };
    }
  }
}

/**
 * T²·KL(softmax(teacher/T) ‖ softmax(student/T)) averaged over the batch (Hinton et al. 2015):
 * Σ_k p_k·(log p_k − log q_k) per sample, with both log-probabilities from LogSoftmax so a
 * vanishing teacher probability never takes a log of zero. `teacher` takes no gradient.
 */
export function emitDistillation(b: GraphBuilder, student: T, teacher: T, temperature: number): T {
  const logP = logSoftmax(b, scale(b, teacher, 1 / temperature), 1);
  const logQ = logSoftmax(b, scale(b, student, 1 / temperature), 1);
  const kl = reduceSum(b, mul(b, unary(b, 'Exp', logP), sub(b, logP, logQ)), [1]);
  return scale(b, reduceMean(b, kl, [0]), temperature * temperature);
}

/** α·task + (1 − α)·T²·KL(teacher ‖ student): the loss of a student trained against a teacher's logits. */
export function blendDistillation(b: GraphBuilder, task: T, student: T, teacher: T, o: DistillOptions): T {
  const soft = emitDistillation(b, student, teacher, o.temperature);
  if (o.alpha === 0) return soft;
  return add(b, scale(b, task, o.alpha), scale(b, soft, 1 - o.alpha));
}
