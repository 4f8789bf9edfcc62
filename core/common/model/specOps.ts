import type { LayerSpec, ModelSpecValue } from './ir';
import { MODEL_INPUT, ModelShapeError } from './ir';

/** An empty model: its output is the model input. */
export function emptySpec(inputShape?: readonly number[]): ModelSpecValue {
  return {
    format: 'weft.model',
    nodes: [],
    output: MODEL_INPUT,
    ...(inputShape?.length ? { inputShape: [...inputShape] } : {}),
  };
}

export function isModelSpec(v: unknown): v is ModelSpecValue {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as ModelSpecValue).format === 'weft.model' &&
    Array.isArray((v as ModelSpecValue).nodes)
  );
}

/**
 * Appends a layer after `inputs` (one spec, or two for add/concat; none = the model input). Specs
 * that share ancestors (residual branches) are merged by layer id.
 */
export function appendLayer(
  inputs: readonly (ModelSpecValue | undefined)[],
  id: string,
  layer: LayerSpec,
): ModelSpecValue {
  const specs = inputs.map((s) => s ?? emptySpec());
  const nodes = new Map<string, ModelSpecValue['nodes'][number]>();
  let inputShape: number[] | undefined;
  for (const s of specs) {
    for (const n of s.nodes) nodes.set(n.id, n);
    if (s.inputShape) {
      if (inputShape && inputShape.join(',') !== s.inputShape.join(',')) {
        throw new ModelShapeError(
          `Layer "${id}" joins branches with different input shapes [${inputShape.join(', ')}] and [${s.inputShape.join(', ')}]`,
          id,
        );
      }
      inputShape = s.inputShape;
    }
  }
  if (nodes.has(id)) throw new ModelShapeError(`Layer id "${id}" is used twice in the model`, id);
  nodes.set(id, { id, layer, inputs: specs.length ? specs.map((s) => s.output) : [MODEL_INPUT] });
  return { format: 'weft.model', nodes: [...nodes.values()], output: id, ...(inputShape ? { inputShape } : {}) };
}
