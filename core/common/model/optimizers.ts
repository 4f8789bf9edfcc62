import type { GraphBuilder, T } from './graph/GraphBuilder';
import { add, div, mul, reduceSum, scale, sub, unary } from './graph/ops';

export type OptimizerKind = 'sgd' | 'momentum' | 'nesterov' | 'adam' | 'adamw' | 'rmsprop';

/** Optimizer hyper-parameters; PyTorch semantics throughout. */
export interface OptimizerConfig {
  kind: OptimizerKind;
  /** momentum / nesterov. @default 0.9 */
  momentum?: number;
  /** adam / adamw. @default 0.9 */
  beta1?: number;
  /** adam / adamw. @default 0.999 */
  beta2?: number;
  /** adam / adamw / rmsprop, added to √v. @default 1e-7 */
  epsilon?: number;
  /** rmsprop: decay of the squared-gradient average. @default 0.9 */
  rho?: number;
}

/** The per-parameter slots each optimizer keeps (flat vectors the size of `params`, start at zero). */
export function optimizerSlots(kind: OptimizerKind): string[] {
  switch (kind) {
    case 'sgd':
      return [];
    case 'momentum':
    case 'nesterov':
      return ['velocity'];
    case 'adam':
    case 'adamw':
      return ['m', 'v'];
    case 'rmsprop':
      return ['square_avg'];
  }
}

/** Scalars fed each step, besides `lr`. */
export function optimizerScalars(kind: OptimizerKind): string[] {
  return kind === 'adam' || kind === 'adamw' ? ['lr', 'bc1', 'bc2'] : ['lr'];
}

export interface StepInputs {
  lr: T;
  /** Adam bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ (fed each step). */
  bc1?: T;
  bc2?: T;
}

export interface UpdateOptions {
  /** L2 penalty added to the gradient (decoupled for adamw, as torch.optim.AdamW). @default 0 */
  weightDecay?: number;
  /** Rescales the gradient when its global L2 norm exceeds this (torch clip_grad_norm_). 0 = off. */
  clipNorm?: number;
}

/**
 * Emits one optimizer update over flat vectors: returns the new parameters and slots, in the order
 * of `optimizerSlots(cfg.kind)`.
 */
export function emitUpdate(
  b: GraphBuilder,
  cfg: OptimizerConfig,
  p: T,
  grad: T,
  slots: readonly T[],
  s: StepInputs,
  o: UpdateOptions = {},
): { params: T; slots: T[] } {
  let g = grad;
  const wd = o.weightDecay ?? 0;
  if (o.clipNorm && o.clipNorm > 0) {
    const norm = unary(b, 'Sqrt', reduceSum(b, mul(b, g, g), [0]));
    const coef = b.op('Min', [div(b, b.constF(o.clipNorm), add(b, norm, b.constF(1e-6))), b.constF(1)], []);
    g = mul(b, g, coef);
  }
  if (wd && cfg.kind !== 'adamw') g = add(b, g, scale(b, p, wd));
  const lrStep = (dir: T): T => sub(b, p, mul(b, s.lr, dir));
  switch (cfg.kind) {
    case 'sgd':
      return { params: lrStep(g), slots: [] };
    case 'momentum':
    case 'nesterov': {
      const mu = cfg.momentum ?? 0.9;
      const vel = add(b, scale(b, slots[0], mu), g);
      const dir = cfg.kind === 'nesterov' ? add(b, g, scale(b, vel, mu)) : vel;
      return { params: lrStep(dir), slots: [vel] };
    }
    case 'rmsprop': {
      const rho = cfg.rho ?? 0.9;
      const sq = add(b, scale(b, slots[0], rho), scale(b, mul(b, g, g), 1 - rho));
      const dir = div(b, g, add(b, unary(b, 'Sqrt', sq), b.constF(cfg.epsilon ?? 1e-7)));
      return { params: lrStep(dir), slots: [sq] };
    }
    case 'adam':
    case 'adamw': {
      const b1 = cfg.beta1 ?? 0.9;
      const b2 = cfg.beta2 ?? 0.999;
      const m = add(b, scale(b, slots[0], b1), scale(b, g, 1 - b1));
      const v = add(b, scale(b, slots[1], b2), scale(b, mul(b, g, g), 1 - b2));
      const denom = add(b, unary(b, 'Sqrt', div(b, v, s.bc2!)), b.constF(cfg.epsilon ?? 1e-7));
      const dir = div(b, div(b, m, s.bc1!), denom);
      const base = cfg.kind === 'adamw' && wd ? sub(b, p, mul(b, scale(b, s.lr, wd), p)) : p;
      return { params: sub(b, base, mul(b, s.lr, dir)), slots: [m, v] };
    }
  }
}

/** The scalar feeds of optimizer step `step` (1-based count of updates so far, this one included). */
export function stepScalars(cfg: OptimizerConfig, step: number, lr: number): Record<string, number> {
  if (cfg.kind !== 'adam' && cfg.kind !== 'adamw') return { lr };
  return { lr, bc1: 1 - (cfg.beta1 ?? 0.9) ** step, bc2: 1 - (cfg.beta2 ?? 0.999) ** step };
}
