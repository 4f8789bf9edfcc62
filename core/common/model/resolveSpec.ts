import type { LayerNode, ModelSpecValue, ResolvedModel, ResolvedNode } from './ir';
import { MODEL_INPUT, ModelShapeError } from './ir';
import { fmt, inferLayer } from './layers/layerShapes';

export interface ResolveOptions {
  /** Per-sample feature shape of the dataset, e.g. `[784]` or `[1, 28, 28]`. */
  featureShape: readonly number[];
  /** Fills every Dense layer with `units: 'auto'` (classes, 1 for binary cross-entropy, or target width). */
  outputUnits: number;
}

/** Orders the nodes so that every node comes after its inputs; rejects unknown inputs and cycles. */
function topoOrder(nodes: readonly LayerNode[]): LayerNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const out: LayerNode[] = [];
  const visit = (n: LayerNode): void => {
    const s = state.get(n.id);
    if (s === 'done') return;
    if (s === 'visiting') throw new ModelShapeError(`Layer "${n.id}" is part of a cycle`, n.id);
    state.set(n.id, 'visiting');
    for (const i of n.inputs) {
      if (i === MODEL_INPUT) continue;
      const dep = byId.get(i);
      if (!dep)
        throw new ModelShapeError(`Layer "${n.id}" (${n.layer.kind}) reads "${i}", which is not in the model`, n.id);
      visit(dep);
    }
    state.set(n.id, 'done');
    out.push(n);
  };
  nodes.forEach(visit);
  return out;
}

/**
 * Fills in every shape of a model spec for a dataset: the input size, `'auto'` output units, each
 * layer's output shape and parameter shapes. Throws ModelShapeError naming the layer and both shapes.
 */
export function resolveSpec(spec: ModelSpecValue, opts: ResolveOptions): ResolvedModel {
  const featureShape = [...opts.featureShape];
  if (spec.inputShape && fmt(spec.inputShape) !== fmt(featureShape)) {
    throw new ModelShapeError(
      `Layer "${MODEL_INPUT}" (input) declares shape ${fmt(spec.inputShape)} but the data has feature shape ${fmt(featureShape)}`,
      MODEL_INPUT,
    );
  }
  if (!spec.nodes.some((n) => n.id === spec.output))
    throw new ModelShapeError(`The model output "${spec.output}" is not a layer of the model`, spec.output);
  const shapes = new Map<string, number[]>([[MODEL_INPUT, featureShape]]);
  const nodes: ResolvedNode[] = [];
  const seen = new Set<string>();
  for (const n of topoOrder(spec.nodes)) {
    const inShapes = n.inputs.map((i) => shapes.get(i)!);
    const r = inferLayer(n.id, n.layer, inShapes, opts.outputUnits);
    for (const p of r.params) {
      if (seen.has(p.name)) throw new ModelShapeError(`Layer "${n.id}": parameter name ${p.name} is used twice`, n.id);
      seen.add(p.name);
    }
    shapes.set(n.id, r.outShape);
    nodes.push({
      id: n.id,
      layer: n.layer,
      inputs: [...n.inputs],
      inShapes,
      outShape: r.outShape,
      params: r.params,
      buffers: r.buffers,
    });
  }
  return {
    inputShape: featureShape,
    outputShape: shapes.get(spec.output)!,
    nodes,
    output: spec.output,
    params: nodes.flatMap((n) => n.params),
    buffers: nodes.flatMap((n) => n.buffers),
    ...(spec.init ? { init: { ...spec.init } } : {}),
  };
}
