import type { GraphBuilder, T } from '../graph/GraphBuilder';
import type { ActivationFn, ResolvedModel, ResolvedNode } from '../ir';
import { MODEL_INPUT } from '../ir';
import { layerModule } from '../../nodes/layer';

/** What the forward emitter needs from the graph it is building into. */
export interface EmitContext {
  b: GraphBuilder;
  /** `train` applies dropout and batch statistics; `infer` uses running statistics. */
  mode: 'train' | 'infer';
  param(name: string): T;
  buffer(name: string): T;
  /** Train mode: the updated value of a buffer (BatchNorm running stats). */
  setBuffer(name: string, value: T): void;
  /** Seed of the Dropout and RandomNormalLike ops (each op gets its own, derived from it). */
  seed: number;
  /** Train mode: adds a scalar term, already weighted, to the training loss (a VAE's KL divergence). */
  addLoss?(term: T): void;
  /** The model's input tensor (set by `emitModel`), for layers that read the token ids, e.g. to mask padding. */
  input?: T;
}

function emitNode(ctx: EmitContext, node: ResolvedNode, xs: T[], index: number): T {
  const { layer, ...shapes } = node;
  return layerModule(layer.kind, node.id).emit({
    ctx,
    node: shapes,
    layer,
    xs,
    x: xs[0],
    index,
    p: (role) => ctx.param(`${node.id}/${role}`),
  });
}

/**
 * Emits the whole model's forward pass on `input` (`[batch, ...inputShape]`) and returns the output
 * node's tensor. `strip` drops that activation from the output layer (the loss applies it itself).
 */
export function emitModel(outer: EmitContext, model: ResolvedModel, input: T, strip?: ActivationFn): T {
  const ctx: EmitContext = { ...outer, input };
  const values = new Map<string, T>([[MODEL_INPUT, input]]);
  model.nodes.forEach((node, i) => {
    const xs = node.inputs.map((id) => values.get(id)!);
    let n = node;
    if (strip && node.id === model.output) {
      const l = node.layer;
      if (l.kind === 'activation' && l.fn === strip) {
        values.set(node.id, xs[0]);
        return;
      }
      if ('activation' in l && l.activation === strip) n = { ...node, layer: { ...l, activation: 'linear' } };
    }
    values.set(node.id, emitNode(ctx, n, xs, i + 1));
  });
  return values.get(model.output)!;
}
