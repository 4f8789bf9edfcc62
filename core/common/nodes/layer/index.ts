import { ModelShapeError } from '../../model/ir';
import { activationNode } from './activation';
import { addNode } from './add';
import { attentionNode } from './attention';
import { avgpool2dNode } from './avgpool2d';
import { batchnormNode } from './batchnorm';
import { concatNode } from './concat';
import { conv2dNode } from './conv2d';
import type { AnyLayerModule } from './defineLayer';
import { denseNode } from './dense';
import { dropoutNode } from './dropout';
import { embeddingNode } from './embedding';
import { flattenNode } from './flatten';
import { globalavgpoolNode } from './globalavgpool';
import { globalavgpool1dNode } from './globalavgpool1d';
import { globalmaxpool1dNode } from './globalmaxpool1d';
import { gruNode } from './gru';
import { layernormNode } from './layernorm';
import { lstmNode } from './lstm';
import { maxpool2dNode } from './maxpool2d';
import { onnxLayerNode } from './onnx';
import { reshapeNode } from './reshape';
import { samplingNode } from './sampling';
import { transformerNode } from './transformer';

/**
 * Every layer kind, keyed by its node type `layer.<kind>`: one module each (IR schema, shape rule,
 * ONNX emission, canvas node). The node registry spreads this table; the model IR's `LayerSpec`
 * is the union of the modules' schemas.
 */
export const layerNodes = {
  'layer.dense': denseNode,
  'layer.conv2d': conv2dNode,
  'layer.maxpool2d': maxpool2dNode,
  'layer.avgpool2d': avgpool2dNode,
  'layer.globalavgpool': globalavgpoolNode,
  'layer.globalmaxpool1d': globalmaxpool1dNode,
  'layer.globalavgpool1d': globalavgpool1dNode,
  'layer.flatten': flattenNode,
  'layer.reshape': reshapeNode,
  'layer.dropout': dropoutNode,
  'layer.batchnorm': batchnormNode,
  'layer.layernorm': layernormNode,
  'layer.activation': activationNode,
  'layer.add': addNode,
  'layer.concat': concatNode,
  'layer.embedding': embeddingNode,
  'layer.lstm': lstmNode,
  'layer.gru': gruNode,
  'layer.attention': attentionNode,
  'layer.transformer': transformerNode,
  'layer.onnx': onnxLayerNode,
  'layer.sampling': samplingNode,
} satisfies Readonly<Record<`layer.${string}`, AnyLayerModule>>;

const byKind = new Map<string, AnyLayerModule>(Object.values(layerNodes).map((m) => [m.kind, m]));

/** The module of a layer kind; a ModelShapeError naming the layer for an unknown kind. */
export function layerModule(kind: string, layerId: string): AnyLayerModule {
  const m = byKind.get(kind);
  if (!m) throw new ModelShapeError(`Layer "${layerId}" has unknown kind "${kind}"`, layerId);
  return m;
}
