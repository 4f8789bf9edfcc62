import type { NodeData } from '../../onnx/encodeModel';
import type { GraphBuilder, T } from '../GraphBuilder';

/**
 * One unit of the reverse pass: a recorded op with its gradient rule, or a group of recorded ops
 * that a rewrite differentiates together. `backward` maps the gradients of `outs` to those of `ins`.
 */
export interface Step {
  /** The op this step differentiates; for a group, the last one. */
  node: NodeData;
  ins: readonly T[];
  outs: readonly T[];
  backward(b: GraphBuilder, dys: readonly (T | undefined)[]): (T | undefined)[];
  /** The rewrite that made this step, or the name of a fused group (`GraphBuilder.fused`); absent for a plain rule. */
  rewrite?: string;
  /** Conv steps made by a rewrite: dW from an output gradient, as the rewrite computes it. */
  weightGrad?: (b: GraphBuilder, dy: T) => T;
  /**
   * Pool steps whose windows leave a border of the input unread: the input gradient without that
   * border (its leading rows and columns only), from the output gradient.
   */
  leadingGrad?: (b: GraphBuilder, dy: T) => T;
}

/**
 * A named rewrite of the reverse pass: replaces steps (or groups of steps) by steps that give the
 * same gradients with cheaper ops. It reads only the steps' ops, tensors and shapes.
 */
export type Rewrite = (steps: readonly Step[], b: GraphBuilder) => Step[];

/** How many steps read tensor `t`. */
export const readers = (steps: readonly Step[], t: T): number =>
  steps.reduce((n, s) => n + (s.ins.some((i) => i.name === t.name) ? 1 : 0), 0);

/** The index of the step that writes tensor `t`, or -1. */
export const producerOf = (steps: readonly Step[], t: T): number =>
  steps.findIndex((s) => s.outs.some((o) => o.name === t.name));
