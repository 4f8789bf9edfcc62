/**
 * The model IR: a DAG of layers, the value that flows on ModelSpec ports. Shapes here are per
 * sample (no batch dimension). `resolveSpec` turns it into a ResolvedModel with every shape and
 * parameter known.
 */

import type { z } from 'zod';
import type { layerNodes } from '../nodes/layer';

export type { ActivationFn } from '../nodes/layer/layerParams';

type LayerTable = typeof layerNodes;

/**
 * One layer of the IR: the union of every layer module's zod schema (core/common/nodes/layer),
 * discriminated by `kind`.
 */
export type LayerSpec = { [K in keyof LayerTable]: z.output<LayerTable[K]['spec']> }[keyof LayerTable];

/** The model input's id in `LayerNode.inputs`. */
export const MODEL_INPUT = 'input';

export interface LayerNode {
  /** Unique within the model; parameter names start with it (e.g. `dense1/kernel`). */
  id: string;
  layer: LayerSpec;
  /** Ids of the nodes feeding this one (`MODEL_INPUT` for the model input); two for add/concat. */
  inputs: string[];
}

/**
 * How weight kernels and biases start (`model.mlp`, `model.cnn`). Kernels: `glorot_uniform`
 * U(±√(6/(fanIn+fanOut))) (Keras), `he_uniform` U(±√(6/fanIn)), `pytorch_default` U(±1/√fanIn)
 * (nn.Linear/nn.Conv2d: kaiming_uniform with a=√5). Biases: `zeros`, or `uniform` U(±1/√fanIn) of
 * their layer's kernel (PyTorch's default).
 */
export interface ModelInit {
  weights: 'glorot_uniform' | 'he_uniform' | 'pytorch_default';
  bias: 'zeros' | 'uniform';
}

/** The runtime value of a ModelSpec port. */
export interface ModelSpecValue {
  /** Initialisation of kernels and biases; absent = Glorot-uniform kernels and zero biases. */
  init?: ModelInit;
  format: 'weft.model';
  nodes: LayerNode[];
  /** Id of the node whose output is the model output. */
  output: string;
  /** Per-sample input shape fixed by an Input layer; otherwise taken from the dataset. */
  inputShape?: number[];
  name?: string;
}

export type InitKind = 'glorot_uniform' | 'he_uniform' | 'zeros' | 'ones' | 'uniform' | 'forget_bias' | 'given';

export interface ParamSpec {
  /** `${layerId}/${role}`, e.g. `dense1/kernel`. */
  name: string;
  shape: number[];
  init: InitKind;
  fanIn: number;
  fanOut: number;
  /** `uniform`: the bound. */
  limit?: number;
  /** `given`: the starting values (a pretrained backbone's initialiser). */
  values?: Float32Array;
}

/** A non-trained per-layer tensor updated by the forward pass (BatchNorm running stats). */
export interface BufferSpec {
  name: string;
  shape: number[];
  init: 'zeros' | 'ones';
}

export interface ResolvedNode {
  id: string;
  layer: LayerSpec;
  inputs: string[];
  /** Per-sample input shapes, one per entry of `inputs`. */
  inShapes: number[][];
  outShape: number[];
  params: ParamSpec[];
  buffers: BufferSpec[];
}

export interface ResolvedModel {
  /** Per-sample input shape. */
  inputShape: number[];
  /** Per-sample output shape (the last layer's, before any loss head). */
  outputShape: number[];
  /** Topologically ordered. */
  nodes: ResolvedNode[];
  output: string;
  /** Every parameter in the order of the flat `params` vector. */
  params: ParamSpec[];
  buffers: BufferSpec[];
  /** From the spec; absent = each parameter's own `init`. */
  init?: ModelInit;
}

export class ModelShapeError extends Error {
  constructor(
    message: string,
    readonly layerId: string,
  ) {
    super(message);
    this.name = 'ModelShapeError';
  }
}
