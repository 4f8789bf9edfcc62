/**
 * Turns a trained model's inference graph (a chain of standard ONNX ops with the weights as
 * initializers) into a TensorFlow.js layers model. Tensors stay channels-first, as in ONNX, so
 * Flatten orders features the same way. Supported: Gemm / MatMul(+Add) → dense; Relu, Sigmoid,
 * Tanh, Softmax, LeakyRelu, Elu → activations; Conv (2D, no groups) → conv2d; MaxPool /
 * AveragePool → pooling; Flatten / Reshape to 2D → flatten; BatchNormalization; Dropout and
 * Identity are skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../executors/Executor';
import type { GraphData, NodeData, TensorData } from '../../common/model/onnx/encodeModel';
import { attrFloat, attrInt, attrInts, tensorFloats, transpose2d } from './onnxGraph';

type Layer = { layer: tf.layers.Layer; weights: tf.Tensor[] };

/** OIHW (ONNX) → HWIO (TF.js) convolution kernel. */
function oihwToHwio(w: Float32Array, [o, i, h, k]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < k; x++) out[((y * k + x) * i + b) * o + a] = w[((a * i + b) * h + y) * k + x]!;
  return out;
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
  const weight = (name: string | undefined): { data: Float32Array; dims: number[] } => {
    const t = inits.get(name ?? '');
    if (!t)
      throw new UserError(
        `export.tfjs: ${name ?? '?'} is not a constant weight; only trained models with baked-in weights export to TF.js`,
      );
    return { data: tensorFloats(t), dims: [...t.dims] };
  };
  const consumers = new Map<string, NodeData[]>();
  for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const layers: Layer[] = [];
  let first = true;
  const shapeArg = (): { inputShape?: number[] } => (first ? { inputShape: featureShape } : {});
  const push = (layer: tf.layers.Layer, weights: tf.Tensor[] = []): void => {
    layers.push({ layer, weights });
    first = false;
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
    let out = n.outputs[0];
    switch (n.opType) {
      case 'Gemm':
      case 'MatMul': {
        const w = weight(n.inputs[1]);
        if (
          n.opType === 'Gemm' &&
          (attrInt(n, 'transA', 0) || attrFloat(n, 'alpha', 1) !== 1 || attrFloat(n, 'beta', 1) !== 1)
        ) {
          throw new UserError('export.tfjs: Gemm with transA, alpha or beta is not supported');
        }
        let [k, m] = w.dims as [number, number];
        let kernel = w.data;
        if (n.opType === 'Gemm' && attrInt(n, 'transB', 0)) {
          kernel = transpose2d(kernel, k, m);
          [k, m] = [m, k];
        }
        let bias: Float32Array | undefined = n.opType === 'Gemm' && n.inputs[2] ? weight(n.inputs[2]).data : undefined;
        if (n.opType === 'MatMul') {
          const add = (consumers.get(out) ?? []).find((c) => c.opType === 'Add' && inits.has(c.inputs[1] ?? ''));
          if (add && (consumers.get(out) ?? []).length === 1) {
            bias = weight(add.inputs[1]).data;
            out = add.outputs[0]!;
          }
        }
        const units = m;
        push(tf.layers.dense({ units, useBias: Boolean(bias), ...shapeArg() }), [
          tf.tensor2d(kernel, [k, m]),
          ...(bias ? [tf.tensor1d(bias)] : []),
        ]);
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Elu': {
        const activation = ({ Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', Elu: 'elu' } as const)[n.opType];
        push(tf.layers.activation({ activation, ...shapeArg() }));
        break;
      }
      case 'Softmax': {
        const axis = attrInt(n, 'axis', -1);
        if (axis !== -1 && axis !== 1)
          throw new UserError('export.tfjs: Softmax over an axis other than the last is not supported');
        push(tf.layers.softmax({ axis: -1, ...shapeArg() }));
        break;
      }
      case 'LeakyRelu':
        push(tf.layers.leakyReLU({ alpha: attrFloat(n, 'alpha', 0.01), ...shapeArg() }));
        break;
      case 'Reshape': {
        const target = inits.get(n.inputs[1] ?? '');
        if ((target?.dims?.[0] ?? 0) !== 2)
          throw new UserError('export.tfjs: only a Reshape to [batch, features] is supported');
        push(tf.layers.flatten({ ...shapeArg() }));
        break;
      }
      case 'Flatten':
        push(tf.layers.flatten({ ...shapeArg() }));
        break;
      case 'Dropout':
      case 'Identity':
        break;
      case 'Conv': {
        const w = weight(n.inputs[1]);
        const [o, , kh, kw] = w.dims as [number, number, number, number];
        if (attrInt(n, 'group', 1) !== 1) throw new UserError('export.tfjs: grouped convolutions are not supported');
        const pads = attrInts(n, 'pads') ?? [0, 0, 0, 0];
        if (pads.some((p) => p !== 0)) {
          if (pads[0] !== pads[2] || pads[1] !== pads[3])
            throw new UserError('export.tfjs: asymmetric Conv padding is not supported');
          push(tf.layers.zeroPadding2d({ padding: [pads[0], pads[1]], dataFormat: 'channelsFirst', ...shapeArg() }));
        }
        const bias = n.inputs[2] ? weight(n.inputs[2]).data : undefined;
        push(
          tf.layers.conv2d({
            filters: o,
            kernelSize: [kh, kw],
            strides: attrInts(n, 'strides') ?? [1, 1],
            dilationRate: (attrInts(n, 'dilations') ?? [1, 1]) as [number, number],
            padding: 'valid',
            dataFormat: 'channelsFirst',
            useBias: Boolean(bias),
            ...shapeArg(),
          }),
          [tf.tensor4d(oihwToHwio(w.data, w.dims), [kh, kw, w.dims[1], o]), ...(bias ? [tf.tensor1d(bias)] : [])],
        );
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const pads = attrInts(n, 'pads') ?? [0, 0, 0, 0];
        if (pads.some((p) => p !== 0) || attrInt(n, 'ceil_mode', 0))
          throw new UserError(`export.tfjs: padded ${n.opType} is not supported`);
        const kernel = attrInts(n, 'kernel_shape') as [number, number];
        const args = {
          poolSize: kernel,
          strides: (attrInts(n, 'strides') ?? kernel) as [number, number],
          padding: 'valid' as const,
          dataFormat: 'channelsFirst' as const,
          ...shapeArg(),
        };
        push(n.opType === 'MaxPool' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args));
        break;
      }
      case 'BatchNormalization': {
        const [scale, b, mean, variance] = [1, 2, 3, 4].map((i) => tf.tensor1d(weight(n.inputs[i]).data));
        push(tf.layers.batchNormalization({ axis: 1, epsilon: attrFloat(n, 'epsilon', 1e-5), ...shapeArg() }), [
          scale,
          b,
          mean,
          variance,
        ]);
        break;
      }
      default:
        throw new UserError(
          `export.tfjs: the ONNX operator ${n.opType} has no TF.js layers counterpart; export to ONNX instead`,
        );
    }
    current = out;
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
