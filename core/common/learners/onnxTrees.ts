import type { AttrValue } from '../model/onnx/encodeModel';
import { ProtoWriter, utf8 } from '../model/onnx/protoWriter';
import type { GraphBuilder, T } from '../model/graph/GraphBuilder';

/** One tree as the ONNX TreeEnsemble attributes see it. */
export interface EnsembleTree {
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** Per node, whether a missing value (NaN) takes the left (true) branch; right when absent. */
  missingLeft?: Uint8Array;
  /** `nodes × outputs` leaf values. */
  value: Float64Array;
  /** Which output a tree's leaf values go to when it has one value per leaf (boosting); all outputs when absent. */
  target?: number;
}

/**
 * An INTS attribute (non-negative values) already encoded, as `encodeModel` would write it from a
 * number list, without the list: a forest has millions of nodes.
 */
function intsAttr(values: Int32Array): AttrValue {
  const packed = new ProtoWriter();
  for (let i = 0; i < values.length; i++) packed.varint(values[i]);
  const w = new ProtoWriter();
  w.bytes(8, packed.finish());
  w.int(20, 7);
  return { proto: w.finish() };
}

/** A FLOATS attribute already encoded (little-endian float32, as `encodeModel` writes it). */
function floatsAttr(values: Float32Array): AttrValue {
  const data = new Uint8Array(4 * values.length);
  const view = new DataView(data.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  const w = new ProtoWriter();
  w.bytes(7, data);
  w.int(20, 6);
  return { proto: w.finish() };
}

/** A STRINGS attribute of `LEAF` (leaf[k] set) or `BRANCH_LEQ` per node, already encoded. */
function modesAttr(leaf: Uint8Array): AttrValue {
  const [leafBytes, branchBytes] = [utf8('LEAF'), utf8('BRANCH_LEQ')];
  const w = new ProtoWriter();
  for (let k = 0; k < leaf.length; k++) w.bytes(9, leaf[k] ? leafBytes : branchBytes);
  w.int(20, 8);
  return { proto: w.finish() };
}

/** The node and leaf attribute lists shared by TreeEnsembleClassifier and TreeEnsembleRegressor. */
function ensembleAttrs(trees: readonly EnsembleTree[], outputs: number, scale: number, prefix: 'class' | 'target') {
  let nodes = 0;
  let leafValues = 0;
  for (const tree of trees) {
    const width = tree.target === undefined ? outputs : 1;
    nodes += tree.feature.length;
    for (let k = 0; k < tree.feature.length; k++) if (tree.feature[k] < 0) leafValues += width;
  }
  const treeIds = new Int32Array(nodes);
  const nodeIds = new Int32Array(nodes);
  const featureIds = new Int32Array(nodes);
  const isLeaf = new Uint8Array(nodes);
  const values = new Float32Array(nodes);
  const trueIds = new Int32Array(nodes);
  const falseIds = new Int32Array(nodes);
  const missingTrue = new Int32Array(nodes);
  const leafTree = new Int32Array(leafValues);
  const leafNode = new Int32Array(leafValues);
  const leafOut = new Int32Array(leafValues);
  const leafWeight = new Float32Array(leafValues);
  let at = 0;
  let leafAt = 0;
  let tracksMissing = false;
  trees.forEach((tree, t) => {
    const width = tree.target === undefined ? outputs : 1;
    for (let k = 0; k < tree.feature.length; k++, at++) {
      treeIds[at] = t;
      nodeIds[at] = k;
      const leaf = tree.feature[k] < 0;
      isLeaf[at] = leaf ? 1 : 0;
      if (!leaf) {
        featureIds[at] = tree.feature[k];
        values[at] = tree.threshold[k];
        trueIds[at] = tree.left[k];
        falseIds[at] = tree.right[k];
        if (tree.missingLeft?.[k]) {
          missingTrue[at] = 1;
          tracksMissing = true;
        }
        continue;
      }
      for (let c = 0; c < width; c++, leafAt++) {
        leafTree[leafAt] = t;
        leafNode[leafAt] = k;
        leafOut[leafAt] = tree.target ?? c;
        leafWeight[leafAt] = tree.value[k * width + c] * scale;
      }
    }
  });
  const attrs: Record<string, AttrValue> = {
    nodes_treeids: intsAttr(treeIds),
    nodes_nodeids: intsAttr(nodeIds),
    nodes_featureids: intsAttr(featureIds),
    nodes_modes: modesAttr(isLeaf),
    nodes_values: floatsAttr(values),
    nodes_truenodeids: intsAttr(trueIds),
    nodes_falsenodeids: intsAttr(falseIds),
    [`${prefix}_treeids`]: intsAttr(leafTree),
    [`${prefix}_nodeids`]: intsAttr(leafNode),
    [`${prefix}_ids`]: intsAttr(leafOut),
    [`${prefix}_weights`]: floatsAttr(leafWeight),
    post_transform: { s: 'NONE' },
  };
  if (tracksMissing) attrs.nodes_missing_value_tracks_true = intsAttr(missingTrue);
  return attrs;
}

/**
 * One ai.onnx.ml TreeEnsembleClassifier over `x` `[batch, d]`: the sum of the leaf class weights
 * (times `scale`, e.g. 1 / trees for a forest's average) as a float tensor `[batch, classes]`.
 */
export function treeClassifier(
  b: GraphBuilder,
  x: T,
  trees: readonly EnsembleTree[],
  classes: number,
  scale: number,
): T {
  const attrs = ensembleAttrs(trees, classes, scale, 'class');
  attrs.classlabels_int64s = { ints: Array.from({ length: classes }, (_, c) => c) };
  const [, probabilities] = b.mlOp('TreeEnsembleClassifier', [x], [['batch'], ['batch', classes]], attrs, [
    'int64',
    'float32',
  ]);
  return probabilities;
}

/**
 * One ai.onnx.ml TreeEnsembleRegressor over `x` `[batch, d]`: per target, `base[target]` plus the
 * sum of the leaf values times `scale`, as `[batch, targets]`.
 */
export function treeRegressor(
  b: GraphBuilder,
  x: T,
  trees: readonly EnsembleTree[],
  targets: number,
  scale: number,
  base?: readonly number[],
): T {
  const attrs = ensembleAttrs(trees, targets, scale, 'target');
  attrs.n_targets = { i: targets };
  attrs.aggregate_function = { s: 'SUM' };
  if (base) attrs.base_values = { floats: base };
  const [y] = b.mlOp('TreeEnsembleRegressor', [x], [['batch', targets]], attrs, ['float32']);
  return y;
}
