import type { AttrValue } from '../model/onnx/encodeModel';
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

/** The node and leaf attribute lists shared by TreeEnsembleClassifier and TreeEnsembleRegressor. */
function ensembleAttrs(trees: readonly EnsembleTree[], outputs: number, scale: number, prefix: 'class' | 'target') {
  let nodes = 0;
  let leafValues = 0;
  for (const tree of trees) {
    const width = tree.target === undefined ? outputs : 1;
    nodes += tree.feature.length;
    for (let k = 0; k < tree.feature.length; k++) if (tree.feature[k] < 0) leafValues += width;
  }
  const treeIds = new Array<number>(nodes);
  const nodeIds = new Array<number>(nodes);
  const featureIds = new Array<number>(nodes);
  const modes = new Array<string>(nodes);
  const values = new Array<number>(nodes);
  const trueIds = new Array<number>(nodes);
  const falseIds = new Array<number>(nodes);
  const missingTrue = new Array<number>(nodes);
  const leafTree = new Array<number>(leafValues);
  const leafNode = new Array<number>(leafValues);
  const leafOut = new Array<number>(leafValues);
  const leafWeight = new Array<number>(leafValues);
  let at = 0;
  let leafAt = 0;
  trees.forEach((tree, t) => {
    const width = tree.target === undefined ? outputs : 1;
    for (let k = 0; k < tree.feature.length; k++, at++) {
      treeIds[at] = t;
      nodeIds[at] = k;
      const leaf = tree.feature[k] < 0;
      featureIds[at] = leaf ? 0 : tree.feature[k];
      modes[at] = leaf ? 'LEAF' : 'BRANCH_LEQ';
      values[at] = leaf ? 0 : tree.threshold[k];
      trueIds[at] = leaf ? 0 : tree.left[k];
      falseIds[at] = leaf ? 0 : tree.right[k];
      missingTrue[at] = !leaf && tree.missingLeft?.[k] ? 1 : 0;
      if (!leaf) continue;
      for (let c = 0; c < width; c++, leafAt++) {
        leafTree[leafAt] = t;
        leafNode[leafAt] = k;
        leafOut[leafAt] = tree.target ?? c;
        leafWeight[leafAt] = tree.value[k * width + c] * scale;
      }
    }
  });
  const attrs: Record<string, AttrValue> = {
    nodes_treeids: { ints: treeIds },
    nodes_nodeids: { ints: nodeIds },
    nodes_featureids: { ints: featureIds },
    nodes_modes: { strings: modes },
    nodes_values: { floats: values },
    nodes_truenodeids: { ints: trueIds },
    nodes_falsenodeids: { ints: falseIds },
    [`${prefix}_treeids`]: { ints: leafTree },
    [`${prefix}_nodeids`]: { ints: leafNode },
    [`${prefix}_ids`]: { ints: leafOut },
    [`${prefix}_weights`]: { floats: leafWeight },
    post_transform: { s: 'NONE' },
  };
  if (missingTrue.some((v) => v === 1)) attrs.nodes_missing_value_tracks_true = { ints: missingTrue };
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
