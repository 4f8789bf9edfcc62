import type { Tree } from './cart';

/** One node of a tree's first levels, as the studio draws them. */
export interface TreeSketchNode {
  /** The split, rows with `feature <= threshold` going left; absent on a leaf. */
  split?: { feature: string; threshold: number };
  /** Class probabilities (classification) or predicted targets (regression) of the node's rows. */
  value: number[];
  /** Left and right children; absent on a leaf and on a split below the drawn depth. */
  children?: [TreeSketchNode, TreeSketchNode];
}

/** The first levels of a fitted tree, for the node summary. */
export interface TreeSketch {
  /** What the drawing shows, e.g. `tree` or `first of 100 trees`. */
  title: string;
  /** Levels drawn below the root; deeper splits show without children. */
  depth: number;
  /** Names of the classes `value` gives probabilities of (classification). */
  classNames?: string[];
  root: TreeSketchNode;
}

/** The root and `depth` levels below it of `tree`, splits named by `featureNames`. */
export function treeSketch(
  tree: Pick<Tree, 'feature' | 'threshold' | 'left' | 'right' | 'value' | 'outputs'>,
  featureNames: readonly string[],
  title: string,
  depth = 3,
): TreeSketch {
  const node = (k: number, level: number): TreeSketchNode => {
    const value = Array.from(tree.value.subarray(k * tree.outputs, (k + 1) * tree.outputs));
    const f = tree.feature[k];
    if (f < 0) return { value };
    const split = { feature: featureNames[f] ?? `x${f}`, threshold: tree.threshold[k] };
    if (level >= depth) return { split, value };
    return { split, value, children: [node(tree.left[k], level + 1), node(tree.right[k], level + 1)] };
  };
  return { title, depth, root: node(0, 0) };
}
