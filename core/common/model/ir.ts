/**
 * The model IR: a DAG of layers, the value that flows on ModelSpec ports. Shapes here are per
 * sample (no batch dimension). `resolveSpec` turns it into a ResolvedModel with every shape and
 * parameter known.
 */

export type ActivationFn = 'linear' | 'relu' | 'leaky_relu' | 'gelu' | 'sigmoid' | 'tanh' | 'softmax';

export type Pair = number | readonly [number, number];

export type LayerSpec =
  | { kind: 'dense'; units: number | 'auto'; activation?: ActivationFn; useBias?: boolean }
  | {
      kind: 'conv2d';
      filters: number;
      kernelSize: Pair;
      /** @default 1 */
      strides?: Pair;
      /** `valid` (no padding), `same` (Keras rule), or explicit symmetric padding. @default 'valid' */
      padding?: 'valid' | 'same' | number;
      /** @default 1 */
      dilation?: Pair;
      activation?: ActivationFn;
      useBias?: boolean;
    }
  | { kind: 'maxpool2d' | 'avgpool2d'; poolSize: Pair; strides?: Pair; padding?: 'valid' | 'same' | number }
  | { kind: 'globalavgpool' }
  | { kind: 'flatten' }
  /** `shape` per sample; one entry may be -1. `'image'` turns `[n]` into `[1, √n, √n]` (or `[3, …]`) and keeps rank-3 inputs. */
  | { kind: 'reshape'; shape: readonly number[] | 'image' }
  | { kind: 'dropout'; rate: number }
  /** Normalises over the channel axis (axis 0 per sample). Keras semantics: running stats with `momentum` (default 0.99), epsilon 1e-3. */
  | { kind: 'batchnorm'; momentum?: number; epsilon?: number }
  /** Normalises over the last axis. @default epsilon 1e-5 */
  | { kind: 'layernorm'; epsilon?: number }
  | { kind: 'activation'; fn: ActivationFn; alpha?: number }
  | { kind: 'add' }
  /** Concatenates along a per-sample axis. @default -1 */
  | { kind: 'concat'; axis?: number }
  /** Input: integer token ids stored as floats, `[seq]`; output `[seq, dim]`. */
  | { kind: 'embedding'; vocabSize: number; dim: number }
  /**
   * Input `[seq, features]`; output `[seq, units]` or, without `returnSequences`, the last state `[units]`.
   * Keras weight layouts: LSTM gates i, f, c, o; GRU gates z, r, h with reset_after=false (as tfjs).
   */
  | { kind: 'lstm' | 'gru'; units: number; returnSequences?: boolean }
  /** Multi-head self-attention over `[seq, dim]`, output `[seq, dim]`. @default keyDim = dim / heads */
  | { kind: 'attention'; heads: number; keyDim?: number }
  /** Post-norm Transformer encoder block: attention + residual + LayerNorm, feed-forward (GELU) + residual + LayerNorm. */
  | { kind: 'transformer'; heads: number; ffDim: number; dropout?: number };

/** The model input's id in `LayerNode.inputs`. */
export const MODEL_INPUT = 'input';

export interface LayerNode {
  /** Unique within the model; parameter names start with it (e.g. `dense1/kernel`). */
  id: string;
  layer: LayerSpec;
  /** Ids of the nodes feeding this one (`MODEL_INPUT` for the model input); two for add/concat. */
  inputs: string[];
}

/** The runtime value of a ModelSpec port. */
export interface ModelSpecValue {
  format: 'weft.model';
  nodes: LayerNode[];
  /** Id of the node whose output is the model output. */
  output: string;
  /** Per-sample input shape fixed by an Input layer; otherwise taken from the dataset. */
  inputShape?: number[];
  name?: string;
}

export type InitKind = 'glorot_uniform' | 'he_uniform' | 'zeros' | 'ones' | 'uniform' | 'forget_bias';

export interface ParamSpec {
  /** `${layerId}/${role}`, e.g. `dense1/kernel`. */
  name: string;
  shape: number[];
  init: InitKind;
  fanIn: number;
  fanOut: number;
  /** `uniform`: the bound. */
  limit?: number;
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
