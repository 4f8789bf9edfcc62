import type { ResolvedModel, ResolvedNode } from './ir';
import { MODEL_INPUT, ModelShapeError } from './ir';

/** A VAE cut at its `sampling` layer. */
export interface AutoencoderParts {
  /** Input → the sampling layer, whose prediction output is μ `[latent]`. */
  encoder: ResolvedModel;
  /** Latent `[latent]` → the model output: the layers after the sampling layer. */
  decoder: ResolvedModel;
  latent: number;
  /** Id of the sampling layer. */
  sampling: string;
}

function subModel(nodes: ResolvedNode[], inputShape: number[], output: string, from: ResolvedModel): ResolvedModel {
  const out = nodes.find((n) => n.id === output)!;
  return {
    inputShape,
    outputShape: [...out.outShape],
    nodes,
    output,
    params: nodes.flatMap((n) => n.params),
    buffers: nodes.flatMap((n) => n.buffers),
    ...(from.init ? { init: from.init } : {}),
  };
}

/**
 * Cuts a model with one `sampling` layer into its encoder (every layer the sampling layer reads,
 * itself included) and its decoder (every later layer, reading the latent as its input). Throws a
 * ModelShapeError when there is no sampling layer, more than one, or a decoder layer that reads an
 * encoder layer other than the sampling layer (a skip connection across the latent).
 */
export function splitAutoencoder(model: ResolvedModel): AutoencoderParts {
  const samplers = model.nodes.filter((n) => n.layer.kind === 'sampling');
  if (samplers.length !== 1) {
    throw new ModelShapeError(
      samplers.length
        ? `The model has ${samplers.length} sampling layers (${samplers.map((n) => n.id).join(', ')}); a VAE has one`
        : 'The model has no sampling layer: build the VAE with layer.sampling between its encoder and decoder',
      samplers[1]?.id ?? model.output,
    );
  }
  const s = samplers[0];
  const upstream = new Set<string>([s.id]);
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const n = model.nodes[i];
    if (upstream.has(n.id)) for (const id of n.inputs) upstream.add(id);
  }
  const encoderNodes = model.nodes.filter((n) => upstream.has(n.id));
  const decoderNodes: ResolvedNode[] = [];
  for (const n of model.nodes) {
    if (upstream.has(n.id)) continue;
    const bad = n.inputs.find((id) => id !== s.id && (upstream.has(id) || id === MODEL_INPUT));
    if (bad !== undefined) {
      throw new ModelShapeError(
        `Layer "${n.id}" after the sampling layer "${s.id}" reads "${bad}" from before it; a decoder may read only the latent`,
        n.id,
      );
    }
    decoderNodes.push({ ...n, inputs: n.inputs.map((id) => (id === s.id ? MODEL_INPUT : id)) });
  }
  if (!decoderNodes.some((n) => n.id === model.output))
    throw new ModelShapeError(`The sampling layer "${s.id}" is the model output: add decoder layers after it`, s.id);
  const latent = s.outShape[0];
  return {
    encoder: subModel(encoderNodes, [...model.inputShape], s.id, model),
    decoder: subModel(decoderNodes, [latent], model.output, model),
    latent,
    sampling: s.id,
  };
}
