/**
 * How a layer's ONNX ops become TF.js layers, as pure data: core/node/export/tfjsLayers.ts walks a
 * trained model's inference graph and asks the layer modules' converters for each op.
 */

/** A constant tensor: row-major values and dims. */
export interface TfjsWeight {
  values: Float32Array;
  shape: number[];
}

/** A TF.js layer to create by class name (`Dense`, `Conv2D`, ...), with its config and its weights in TF.js order. */
export interface TfjsLayerDesc {
  className: string;
  config: Record<string, unknown>;
  weights?: TfjsWeight[];
}

/** One ONNX op of the graph being converted, with typed attribute readers. */
export interface OnnxOpView {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  int(name: string, fallback: number): number;
  ints(name: string): number[] | undefined;
  float(name: string, fallback: number): number;
}

export interface TfjsConvertContext {
  /** A float constant (initializer) by name; fails naming it when it is not one. */
  weight(name: string | undefined): { data: Float32Array; dims: number[] };
  /** Dims of a constant of any type; undefined when `name` is not a constant. */
  constDims(name: string | undefined): number[] | undefined;
  /** Values of an integer constant (int64 or int32); undefined when `name` is not one. */
  ints(name: string | undefined): number[] | undefined;
  /** Per-sample shape of the op's data input, as the layers converted so far output it. */
  inputShape(): number[];
  /** The ops that read `tensor`. */
  consumers(tensor: string): OnnxOpView[];
  /** Stops the export with a message the user can act on. */
  fail(message: string): never;
}

/** The TF.js layers for `op` and the tensor they end at (when they also consumed the ops after it). */
export interface TfjsConversion {
  layers: TfjsLayerDesc[];
  output?: string;
}

export interface TfjsConverter {
  /** ONNX op types this layer emits that have TF.js layers counterparts. */
  ops: readonly string[];
  /** The layers for `op`, or undefined when this op is not in a form this layer emits. */
  convert(op: OnnxOpView, ctx: TfjsConvertContext): TfjsConversion | undefined;
}
