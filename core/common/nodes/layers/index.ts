export { activationLayerNode } from './activation';
export { conv2dLayerNode } from './conv2d';
export { denseLayerNode } from './dense';
export { inputLayerNode } from './input';
export { addLayerNode, concatLayerNode } from './merge';
export { avgPool2dLayerNode, globalAvgPoolLayerNode, maxPool2dLayerNode } from './pool2d';
export { batchNormLayerNode, dropoutLayerNode, layerNormLayerNode } from './regularization';
export { attentionLayerNode, embeddingLayerNode, gruLayerNode, lstmLayerNode, transformerLayerNode } from './sequence';
export { flattenLayerNode, reshapeLayerNode } from './shapeLayers';
