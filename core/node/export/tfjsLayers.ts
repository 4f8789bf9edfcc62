/**
 * Turns a trained model's inference graph (a chain of standard ONNX ops with the weights as
 * initializers) into a TensorFlow.js layers model. Each op is converted by the layer module that
 * emits it (core/common/nodes/layer, `tfjs`); tensors stay channels-first, as in ONNX, so Flatten
 * orders features the same way. Identity ops are skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { layerNodes } from '../../common/nodes/layer';
import type { AnyLayerModule } from '../../common/nodes/layer/defineLayer';
import type { OnnxOpView, TfjsConverter, TfjsLayerDesc } from '../../common/nodes/layer/tfjsExport';
import { UserError } from '../executors/Executor';
import type { GraphData, NodeData, TensorData } from '../../common/model/onnx/encodeModel';
import { attrFloat, attrInt, attrInts, tensorFloats } from '../../common/model/onnx/attrs';

type Layer = { layer: tf.layers.Layer; weights: tf.Tensor[] };

const converters = new Map<string, TfjsConverter[]>();
for (const m of Object.values(layerNodes) as AnyLayerModule[])
  for (const op of m.tfjs?.ops ?? []) converters.set(op, [...(converters.get(op) ?? []), m.tfjs!]);

const view = (n: NodeData): OnnxOpView => ({
  opType: n.opType,
  inputs: [...n.inputs],
  outputs: [...n.outputs],
  int: (name, fallback) => attrInt(n, name, fallback),
  ints: (name) => attrInts(n, name),
  float: (name, fallback) => attrFloat(n, name, fallback),
});

/** A TF.js layer from its description, through TF.js's own class registry. */
function instantiate(d: TfjsLayerDesc, inputShape: number[] | undefined): Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[d.className];
  if (!entry) throw new Error(`export.tfjs: TF.js has no layer class ${d.className}`);
  const [cls, fromConfig] = entry;
  const config = { ...d.config, ...(inputShape ? { inputShape } : {}) } as tf.serialization.ConfigDict;
  const layer = fromConfig(cls, config) as tf.layers.Layer;
  return { layer, weights: (d.weights ?? []).map((w) => tf.tensor(w.values, w.shape)) };
}

/**
 * Layers equivalent to `graph` from `inputName` to `outputName`, with their weights.
 * Throws a UserError naming the first operator that has no TF.js layers counterpart.
 */
export function onnxChainToLayers(
  graph: GraphData,
  inputName: string,
  outputName: string,
  featureShape: number[],
): Layer[] {
  const inits = new Map<string, TensorData>(graph.initializers.map((t) => [t.name, t]));
  const consumers = new Map<string, NodeData[]>();
  for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const layers: Layer[] = [];
  const ctx = {
    weight: (name: string | undefined): { data: Float32Array; dims: number[] } => {
      const t = inits.get(name ?? '');
      if (!t)
        throw new UserError(
          `export.tfjs: ${name ?? '?'} is not a constant weight; only trained models with baked-in weights export to TF.js`,
        );
      return { data: tensorFloats(t), dims: [...t.dims] };
    },
    constDims: (name: string | undefined) => {
      const dims = inits.get(name ?? '')?.dims;
      return dims ? [...dims] : undefined;
    },
    ints: (name: string | undefined) => {
      const d = inits.get(name ?? '')?.data;
      if (d instanceof BigInt64Array) return Array.from(d, Number);
      return d instanceof Int32Array ? Array.from(d) : undefined;
    },
    inputShape: (): number[] =>
      layers.reduce<number[]>(
        (shape, { layer }) => (layer.computeOutputShape([null, ...shape]) as number[]).slice(1),
        [...featureShape],
      ),
    consumers: (tensor: string) => (consumers.get(tensor) ?? []).map(view),
    fail: (message: string): never => {
      throw new UserError(message);
    },
  };
  let current = inputName;
  let steps = 0;
  while (current !== outputName) {
    if (++steps > graph.nodes.length + 1)
      throw new UserError('export.tfjs: the graph is not a chain from input to output');
    const next = (consumers.get(current) ?? []).filter((n) => n.inputs[0] === current);
    const n = next[0];
    if (!n || next.length !== 1)
      throw new UserError(`export.tfjs: the graph branches after ${current}; only layer chains export to TF.js`);
    if (n.opType === 'Identity') {
      current = n.outputs[0];
      continue;
    }
    const op = view(n);
    const conversion = (converters.get(n.opType) ?? []).reduce<ReturnType<TfjsConverter['convert']>>(
      (found, c) => found ?? c.convert(op, ctx),
      undefined,
    );
    if (!conversion)
      throw new UserError(
        `export.tfjs: the ONNX operator ${n.opType} has no TF.js layers counterpart; export to ONNX instead`,
      );
    for (const d of conversion.layers) layers.push(instantiate(d, layers.length ? undefined : featureShape));
    current = conversion.output ?? n.outputs[0];
  }
  return layers;
}

/** A sequential TF.js model with the chain's layers and weights set. */
export function buildTfjsModel(layers: Layer[]): tf.Sequential {
  const model = tf.sequential();
  for (const { layer } of layers) model.add(layer);
  for (const { layer, weights } of layers) {
    if (weights.length) layer.setWeights(weights);
    for (const w of weights) w.dispose();
  }
  return model;
}
