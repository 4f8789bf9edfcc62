import type { GraphBuilder, T, TapeEntry } from './GraphBuilder';
import { formatShape } from './GraphBuilder';
import { add } from './ops';
import type { RewriteOptions } from './rewrites/rewrites';
import { applyRewrites } from './rewrites/rewrites';
import type { Step } from './rewrites/Step';
import { gradientRules } from './rules/gradientRules';
import type { Rule } from './rules/Rule';
import { zerosLike } from './rules/Rule';

/**
 * Reverse-mode differentiation over the tape a GraphBuilder recorded: each op's gradient comes
 * from its rule in `gradientRules`, except where a rewrite (see rewrites/rewrites.ts) groups ops
 * and differentiates them together with cheaper ops, and for groups a layer recorded with
 * `GraphBuilder.fused`, which carry their own backward.
 */

const rules: Readonly<Record<string, Rule>> = gradientRules;

function plainStep(entry: TapeEntry): Step {
  const { node, ins, outs, fused } = entry;
  if (fused) return { node, ins, outs, backward: fused.backward, rewrite: fused.name };
  return {
    node,
    ins,
    outs,
    backward: (b, dys) => {
      const rule = rules[node.opType];
      if (!rule) throw new Error(`autodiff: no gradient rule for ${node.opType}`);
      return rule({ b, node, ins, outs, dys });
    },
  };
}

/** The steps of the reverse pass over `b`'s tape so far, after the rewrites `rewrites` leaves on. */
export function reverseSteps(b: GraphBuilder, rewrites: RewriteOptions = {}): Step[] {
  return applyRewrites(b.tape.map(plainStep), b, rewrites);
}

/**
 * Emits the gradients of scalar `loss` with respect to each of `wrt` (tensors marked in
 * `b.needsGrad` before the forward pass was built). A parameter the loss does not reach gets
 * zeros. `rewrites` switches the rewrites of the reverse pass (all on by default).
 */
export function gradients(b: GraphBuilder, loss: T, wrt: readonly T[], rewrites: RewriteOptions = {}): T[] {
  if (loss.shape.length !== 0) throw new Error(`autodiff: loss must be a scalar, got ${formatShape(loss.shape)}`);
  const grads = new Map<string, T>([[loss.name, b.constF(1)]]);
  const steps = reverseSteps(b, rewrites);
  for (let k = steps.length - 1; k >= 0; k--) {
    const step = steps[k];
    const dys = step.outs.map((o) => grads.get(o.name));
    if (dys.every((d) => d === undefined)) continue;
    const filled = dys.map((d, i) => d ?? (i === 0 ? zerosLike(b, step.outs[0]) : undefined));
    const dins = step.backward(b, filled);
    step.ins.forEach((x, i) => {
      const d = dins[i];
      if (!d || !b.needsGrad.has(x.name)) return;
      const prev = grads.get(x.name);
      grads.set(x.name, prev ? add(b, prev, d) : d);
    });
  }
  return wrt.map((p) => grads.get(p.name) ?? zerosLike(b, p));
}
