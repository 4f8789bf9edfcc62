import { seededRandom } from '../nodes/prep/random';
import { growTree, type SortedFeatures, type Targets, type Tree, type TreeOptions } from './cart';
import type { CartArena } from './cartWasm';

/** What every tree of a forest is grown from (sent once to each worker thread). */
export interface ForestJob {
  sorted: SortedFeatures;
  targets: Targets;
  /** Per-row class weights. */
  base: Float64Array;
  treeOpts: TreeOptions;
  bootstrap: boolean;
  /** Whether the caller needs each tree's bootstrap weights (out-of-bag scoring). */
  oob: boolean;
}

/** One tree of a forest, its impurity decrease per feature, and its row weights when the job asks. */
export interface GrownTree {
  tree: Tree;
  importance: Float64Array;
  weight?: Float64Array;
}

/**
 * Grows the tree of `seed`: a bootstrap sample drawn with the seed's generator, then the tree with
 * the same generator, as on any thread. `weight` (n rows) and `arena` are reused when given.
 */
export function growForestTree(job: ForestJob, seed: number, weight?: Float64Array, arena?: CartArena): GrownTree {
  const { n, d } = job.sorted;
  const random = seededRandom(seed);
  const w = weight ?? new Float64Array(n);
  if (job.bootstrap) {
    w.fill(0);
    for (let s = 0; s < n; s++) w[Math.floor(random() * n)]++;
    for (let i = 0; i < n; i++) w[i] *= job.base[i];
  } else w.set(job.base);
  const importance = new Float64Array(d);
  const tree = growTree(job.sorted, job.targets, w, job.treeOpts, random, importance, arena);
  return { tree, importance, ...(job.oob ? { weight: w } : {}) };
}
