import { gradients } from './graph/autodiff';
import type { RewriteOptions } from './graph/rewrites/rewrites';
import type { T } from './graph/GraphBuilder';
import { GraphBuilder } from './graph/GraphBuilder';
import { add, concat, mul, reshape, slice } from './graph/ops';
import type { ResolvedModel } from './ir';
import type { EmitContext } from './layers/emitLayers';
import { emitModel } from './layers/emitLayers';
import type { DistillOptions, LossKind, LossOptions } from './losses';
import { blendDistillation, emitLoss, isClassificationLoss } from './losses';
import type { OptimizerConfig, UpdateOptions } from './optimizers';
import { emitUpdate, optimizerScalars, optimizerSlots, stepScalars } from './optimizers';

export interface TrainingConfig extends LossOptions, UpdateOptions {
  loss: LossKind;
  optimizer: OptimizerConfig;
  /** Seed of the Dropout ops (onnxruntime's Dropout with a fixed seed is reproducible per session). @default 0 */
  seed?: number;
  /** Also output `logits` `[batch, units]` (costs a copy per step). @default false */
  outputLogits?: boolean;
  /** Also output the flat gradient `grads` `[P]` (tests, debugging). @default false */
  outputGradients?: boolean;
  /** Element type of every float tensor; float64 is for gradient checks. @default 'float32' */
  dtype?: 'float32' | 'float64';
  /** Rewrites of the reverse pass to switch off (each gives the plain rules' gradients faster). @default all on */
  rewrites?: RewriteOptions;
  /**
   * What the output is compared with: the fed `labels`, or the `input` itself (autoencoders: no
   * labels are fed, the output must hold as many values per sample as the input). @default 'labels'
   */
  target?: 'labels' | 'input';
  /**
   * Knowledge distillation: adds the input `teacher_logits` `[batch, units]` and blends the task loss
   * with T²·KL(softmax(teacher/T) ‖ softmax(student/T)) (classification losses on logits only).
   */
  distill?: DistillOptions;
  /**
   * Pruning masks: adds the input `mask` `[P]` (1 keeps a parameter, 0 prunes it); the forward pass
   * uses params ⊙ mask and the gradient is masked too, so pruned weights get no update from the loss.
   */
  masked?: boolean;
  /**
   * Stop at the gradient: no optimizer slots, scalars or update; the graph outputs `grads` `[P]`
   * (masked when `masked`) beside the loss. Data-parallel workers sum these and update the
   * parameters outside the graph. @default false
   */
  gradientsOnly?: boolean;
}

/** Where one parameter lives in the flat `params` vector. */
export interface ParamLayout {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** A value fed in each step and read back: feed step t's `output` as step t+1's `input`. */
export interface CarriedVector {
  input: string;
  output: string;
  size: number;
  /** How the trainer fills it before the first step. */
  init: 'params' | 'zeros' | 'buffers';
}

export interface TrainingGraph {
  onnx: Uint8Array;
  /** float `[batch, ...inputShape]`. */
  inputName: string;
  /** Classification losses: int32 `[batch]` class indices. Regression: float `[batch, units]`. Absent when the target is the input. */
  labelName?: string;
  labelType: 'int32' | 'float32' | 'float64';
  /** Scalar float inputs fed every step (see `stepScalars`): `lr`, and `bc1`, `bc2` for Adam. */
  scalarInputs: string[];
  /** params, optimizer slots and BatchNorm buffers, each a flat vector. */
  carried: CarriedVector[];
  paramLayout: ParamLayout[];
  paramCount: number;
  bufferCount: number;
  /** Scalar mean loss over the batch. */
  lossName: string;
  /** Scalar count of correct predictions in the batch (classification). */
  correctName?: string;
  logitsName?: string;
  gradsName?: string;
  /** Float `[batch, units]` teacher logits, when built with `distill`. */
  teacherName?: string;
  /** Float `[P]` parameter mask, when built with `masked`. */
  maskName?: string;
  /** The config it was built with (for stepScalars). */
  optimizer: OptimizerConfig;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * One training step as an ONNX graph: forward, loss, reverse-mode gradients, optional clipping,
 * and the optimizer update over flat vectors. The batch dimension is symbolic.
 */
export function buildTrainingGraph(model: ResolvedModel, cfg: TrainingConfig): TrainingGraph {
  const b = new GraphBuilder(cfg.dtype ?? 'float32');
  const paramLayout: ParamLayout[] = [];
  let offset = 0;
  for (const p of model.params) {
    paramLayout.push({ name: p.name, shape: [...p.shape], offset, size: size(p.shape) });
    offset += size(p.shape);
  }
  const P = offset;
  const bufferLayout: ParamLayout[] = [];
  offset = 0;
  for (const buf of model.buffers) {
    bufferLayout.push({ name: buf.name, shape: [...buf.shape], offset, size: size(buf.shape) });
    offset += size(buf.shape);
  }
  const B = offset;

  const input = b.input('input', ['batch', ...model.inputShape]);
  const fromInput = cfg.target === 'input';
  if (fromInput && size(model.inputShape) !== size(model.outputShape))
    throw new Error(
      `an autoencoder's output must hold as many values per sample as its input: got [${model.outputShape.join(', ')}] for input [${model.inputShape.join(', ')}]`,
    );
  const classification = isClassificationLoss(cfg.loss) && !fromInput;
  const labelType: TrainingGraph['labelType'] = classification
    ? 'int32'
    : b.float === 'float64'
      ? 'float64'
      : 'float32';
  const labels = fromInput
    ? reshape(b, input, ['batch', ...model.outputShape])
    : b.input('labels', classification ? ['batch'] : ['batch', ...model.outputShape], labelType);
  const flat = b.input('params', [P]);
  const mask = cfg.masked ? b.input('mask', [P]) : undefined;
  const teacher = cfg.distill ? b.input('teacher_logits', ['batch', ...model.outputShape]) : undefined;
  if (cfg.distill && cfg.loss !== 'cross_entropy')
    throw new Error(`distillation needs the cross_entropy loss on logits, not ${cfg.loss}`);
  const effective = mask ? mul(b, flat, mask) : flat;
  const gradientsOnly = cfg.gradientsOnly ?? false;
  const slotNames = gradientsOnly ? [] : optimizerSlots(cfg.optimizer.kind);
  const slots = slotNames.map((s) => b.input(`opt_${s}`, [P]));
  const buffersIn = B ? b.input('buffers', [B]) : undefined;
  const scalarNames = gradientsOnly ? [] : optimizerScalars(cfg.optimizer.kind);
  const scalars = Object.fromEntries(scalarNames.map((n) => [n, b.input(n, [])]));

  const paramT = new Map<string, T>();
  for (const l of paramLayout) {
    const t = reshape(b, slice(b, effective, [l.offset], [l.offset + l.size], [0]), l.shape);
    b.needsGrad.add(t.name);
    paramT.set(l.name, t);
  }
  const bufferIn = new Map<string, T>();
  for (const l of bufferLayout)
    bufferIn.set(l.name, reshape(b, slice(b, buffersIn!, [l.offset], [l.offset + l.size], [0]), l.shape));
  const bufferOut = new Map<string, T>();
  const extraLoss: T[] = [];
  const ctx: EmitContext = {
    b,
    mode: 'train',
    seed: cfg.seed ?? 0,
    param: (n) => paramT.get(n)!,
    buffer: (n) => bufferIn.get(n)!,
    setBuffer: (n, v) => bufferOut.set(n, v),
    addLoss: (term) => extraLoss.push(term),
  };
  const strip = cfg.loss === 'cross_entropy' ? 'softmax' : cfg.loss === 'binary_cross_entropy' ? 'sigmoid' : undefined;
  const out = emitModel(ctx, model, input, strip);
  const task = emitLoss(b, cfg.loss, out, labels, fromInput ? { ...cfg, perSample: 'sum' } : cfg);
  const correct = fromInput ? undefined : task.correct;
  const blended = teacher && cfg.distill ? blendDistillation(b, task.loss, out, teacher, cfg.distill) : task.loss;
  const loss = extraLoss.reduce((sum, term) => add(b, sum, term), blended);
  const grads = gradients(
    b,
    loss,
    paramLayout.map((l) => paramT.get(l.name)!),
    cfg.rewrites,
  );
  const allGrad = concat(
    b,
    grads.map((g, i) => reshape(b, g, [paramLayout[i].size])),
    0,
  );
  const flatGrad = mask ? mul(b, allGrad, mask) : allGrad;
  b.output(loss, 'loss');
  if (correct) b.output(correct, 'correct');
  if (!gradientsOnly) {
    const upd = emitUpdate(b, cfg.optimizer, flat, flatGrad, slots, scalars as never, cfg);
    b.output(upd.params, 'params_out');
    upd.slots.forEach((s, i) => b.output(s, `opt_${slotNames[i]}_out`));
  }
  if (B) {
    const parts = bufferLayout.map((l) => reshape(b, bufferOut.get(l.name) ?? bufferIn.get(l.name)!, [l.size]));
    b.output(concat(b, parts, 0), 'buffers_out');
  }
  if (cfg.outputLogits) b.output(out, 'logits');
  if (cfg.outputGradients || gradientsOnly) b.output(flatGrad, 'grads');

  const carried: CarriedVector[] = [
    ...(gradientsOnly ? [] : [{ input: 'params', output: 'params_out', size: P, init: 'params' } as const]),
    ...slotNames.map((s): CarriedVector => ({ input: `opt_${s}`, output: `opt_${s}_out`, size: P, init: 'zeros' })),
  ];
  if (B) carried.push({ input: 'buffers', output: 'buffers_out', size: B, init: 'buffers' });
  return {
    onnx: b.encode('weft_train_step'),
    inputName: 'input',
    ...(fromInput ? {} : { labelName: 'labels' }),
    labelType,
    scalarInputs: scalarNames,
    carried,
    paramLayout,
    paramCount: P,
    bufferCount: B,
    lossName: 'loss',
    ...(correct ? { correctName: 'correct' } : {}),
    ...(cfg.outputLogits ? { logitsName: 'logits' } : {}),
    ...(cfg.outputGradients || gradientsOnly ? { gradsName: 'grads' } : {}),
    ...(teacher ? { teacherName: 'teacher_logits' } : {}),
    ...(mask ? { maskName: 'mask' } : {}),
    optimizer: cfg.optimizer,
  };
}

/** The scalar feeds for update number `step` (1-based) at learning rate `lr`. */
export function trainingScalars(
  graph: Pick<TrainingGraph, 'optimizer'>,
  step: number,
  lr: number,
): Record<string, number> {
  return stepScalars(graph.optimizer, step, lr);
}
