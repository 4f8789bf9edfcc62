/**
 * CART trees on presorted, column-major features: every node is one range of a per-feature array
 * of row indices kept in ascending feature order, so a split scans each candidate feature once and
 * the children are made by a stable partition, with no sorting and no allocation per row.
 */

/** A fitted tree in flat arrays; node 0 is the root, `feature[k] < 0` marks a leaf. */
export interface Tree {
  feature: Int32Array;
  /** Rows with `x[feature] <= threshold` (float32 comparison) go left. */
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** `nodes × outputs`: class probabilities (classification) or target means (regression). */
  value: Float64Array;
  outputs: number;
  depth: number;
  leaves: number;
}

export type Criterion = 'gini' | 'entropy' | 'squared_error';

export interface TreeOptions {
  criterion: Criterion;
  /** Unlimited when null. */
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features examined per split (at least this many non-constant ones, drawn at random). */
  maxFeatures: number;
}

/** The features once, column-major, with each column's rows in ascending order. */
export interface SortedFeatures {
  cols: Float32Array;
  order: Int32Array;
  n: number;
  d: number;
}

export function sortFeatures(x: Float32Array, n: number, d: number): SortedFeatures {
  const cols = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) cols[j * n + i] = x[i * d + j];
  const order = new Int32Array(n * d);
  const keys = new Uint32Array(n);
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) {
      asFloat[0] = cols[j * n + i] === 0 ? 0 : cols[j * n + i];
      const b = bits[0];
      keys[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    }
    radixOrder(keys, order.subarray(j * n, (j + 1) * n));
  }
  return { cols, order, n, d };
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/** Writes into `out` the indices 0..n-1 in ascending `keys` order, ties in index order (LSD radix). */
function radixOrder(keys: Uint32Array, out: Int32Array): void {
  const n = keys.length;
  let from = Int32Array.from({ length: n }, (_, i) => i);
  let to = new Int32Array(n);
  const count = new Int32Array(RADIX);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & (RADIX - 1)]++;
    let sum = 0;
    for (let b = 0; b < RADIX; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = from[i];
      to[count[(keys[k] >>> shift) & (RADIX - 1)]++] = k;
    }
    [from, to] = [to, from];
  }
  out.set(from);
}

/** The labels a tree fits: class indices with `k` classes, or `n × t` float targets. */
export type Targets = { kind: 'classes'; y: Int32Array; k: number } | { kind: 'values'; y: Float32Array; t: number };

/** Impurity of one node from its weighted class counts or target sums. */
function impurityOf(
  criterion: Criterion,
  stats: Float64Array,
  at: number,
  width: number,
  w: number,
  sq: number,
): number {
  if (w <= 0) return 0;
  if (criterion === 'squared_error') {
    let s = 0;
    for (let c = 0; c < width; c++) s += (stats[at + c] / w) ** 2;
    return (sq / w - s) / width;
  }
  let imp = criterion === 'gini' ? 1 : 0;
  for (let c = 0; c < width; c++) {
    const p = stats[at + c] / w;
    if (criterion === 'gini') imp -= p * p;
    else if (p > 0) imp -= p * Math.log2(p);
  }
  return imp;
}

interface Growable {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/**
 * The bagged rows of one tree, renumbered 0..m-1 so that every per-row array is small and dense:
 * per-feature row lists in ascending feature order (two copies, the children of a node written into
 * the copy its depth does not read), the feature values column-major, weights and labels.
 */
interface Bag {
  m: number;
  lists: [Int32Array, Int32Array];
  cols: Float32Array;
  weight: Float64Array;
  classes: Int32Array;
  values: Float64Array;
}

function bagRows(sorted: SortedFeatures, targets: Targets, weight: Float64Array): Bag {
  const { n, d } = sorted;
  const compact = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) compact[i] = weight[i] > 0 ? m++ : -1;
  const lists: [Int32Array, Int32Array] = [new Int32Array(m * d), new Int32Array(m * d)];
  const cols = new Float32Array(m * d);
  for (let j = 0; j < d; j++) {
    let r = j * m;
    for (let p = j * n; p < (j + 1) * n; p++) {
      const q = compact[sorted.order[p]];
      if (q >= 0) lists[0][r++] = q;
    }
    for (let i = 0; i < n; i++) if (compact[i] >= 0) cols[j * m + compact[i]] = sorted.cols[j * n + i];
  }
  const w = new Float64Array(m);
  const width = targets.kind === 'classes' ? 1 : targets.t;
  const classes = new Int32Array(targets.kind === 'classes' ? m : 0);
  const values = new Float64Array(targets.kind === 'values' ? m * width : 0);
  for (let i = 0; i < n; i++) {
    const q = compact[i];
    if (q < 0) continue;
    w[q] = weight[i];
    if (targets.kind === 'classes') classes[q] = targets.y[i];
    else for (let c = 0; c < width; c++) values[q * width + c] = targets.y[i * width + c];
  }
  return { m, lists, cols, weight: w, classes, values };
}

/** The best split found so far at a node: [score, last position going left, feature, threshold]. */
type Best = Float64Array;
const SCORE = 0;
const POS = 1;
const FEATURE = 2;
const THRESHOLD = 3;

function offer(best: Best, score: number, r: number, j: number, here: number, next: number): void {
  if (best[FEATURE] < 0 || score < best[SCORE] - 1e-12 * Math.abs(best[SCORE])) {
    best[SCORE] = score;
    best[FEATURE] = j;
    best[POS] = r;
    const mid = Math.fround((here + next) / 2);
    best[THRESHOLD] = mid >= next ? here : mid;
  }
}

/** Scans feature `j`'s thresholds at a classification node (gini or entropy). */
function scanClasses(
  bag: Bag,
  list: Int32Array,
  j: number,
  start: number,
  end: number,
  total: Float64Array,
  w: number,
  left: Float64Array,
  gini: boolean,
  minLeaf: number,
  best: Best,
): void {
  const { m, cols, weight, classes } = bag;
  const base = j * m;
  const k = total.length;
  const count = end - start;
  left.fill(0);
  let wl = 0;
  let next = cols[base + list[base + start]];
  for (let r = start; r < end - 1; r++) {
    const q = list[base + r];
    const wq = weight[q];
    wl += wq;
    left[classes[q]] += wq;
    const here = next;
    next = cols[base + list[base + r + 1]];
    if (!(here < next)) continue;
    const nl = r + 1 - start;
    if (nl < minLeaf || count - nl < minLeaf) continue;
    const wr = w - wl;
    let il = 0;
    let ir = 0;
    for (let c = 0; c < k; c++) {
      const pl = left[c] / wl;
      const pr = (total[c] - left[c]) / wr;
      if (gini) {
        il += pl * pl;
        ir += pr * pr;
      } else {
        if (pl > 0) il += pl * Math.log2(pl);
        if (pr > 0) ir += pr * Math.log2(pr);
      }
    }
    offer(best, gini ? wl * (1 - il) + wr * (1 - ir) : -wl * il - wr * ir, r, j, here, next);
  }
}

/** Scans feature `j`'s thresholds at a regression node (squared error, `t` targets). */
function scanValues(
  bag: Bag,
  list: Int32Array,
  j: number,
  start: number,
  end: number,
  total: Float64Array,
  w: number,
  left: Float64Array,
  minLeaf: number,
  best: Best,
): void {
  const { m, cols, weight, values } = bag;
  const base = j * m;
  const t = total.length;
  const count = end - start;
  left.fill(0);
  let wl = 0;
  let next = cols[base + list[base + start]];
  for (let r = start; r < end - 1; r++) {
    const q = list[base + r];
    const wq = weight[q];
    wl += wq;
    for (let c = 0; c < t; c++) left[c] += wq * values[q * t + c];
    const here = next;
    next = cols[base + list[base + r + 1]];
    if (!(here < next)) continue;
    const nl = r + 1 - start;
    if (nl < minLeaf || count - nl < minLeaf) continue;
    const wr = w - wl;
    let gain = 0;
    for (let c = 0; c < t; c++) {
      const sl = left[c];
      const sr = total[c] - sl;
      gain += (sl * sl) / wl + (sr * sr) / wr;
    }
    offer(best, -gain, r, j, here, next);
  }
}

/** Splits every feature's list of the node at `start..end` from `src` into `dst`, left rows first, both sides in order. */
function partitionLists(
  m: number,
  d: number,
  src: Int32Array,
  dst: Int32Array,
  start: number,
  end: number,
  mid: number,
  goesLeft: Uint8Array,
): void {
  for (let j = 0; j < d; j++) {
    const b = j * m;
    let l = b + start;
    let r = b + mid;
    for (let p = b + start; p < b + end; p++) {
      const q = src[p];
      const g = goesLeft[q];
      dst[r + g * (l - r)] = q;
      l += g;
      r += 1 - g;
    }
  }
}

/**
 * Grows one tree depth-first on the rows with `weight[i] > 0` (a bootstrap passes its counts, class
 * weights multiply in). Adds each split's weighted impurity decrease to `importance[feature]`.
 */
export function growTree(
  sorted: SortedFeatures,
  targets: Targets,
  weight: Float64Array,
  opts: TreeOptions,
  random: () => number,
  importance: Float64Array,
): Tree {
  const { d } = sorted;
  const width = targets.kind === 'classes' ? targets.k : targets.t;
  const regression = targets.kind === 'values';
  const gini = opts.criterion === 'gini';
  const bag = bagRows(sorted, targets, weight);
  const { m, cols, lists, classes, values } = bag;
  const goesLeft = new Uint8Array(m);
  const features = Int32Array.from({ length: d }, (_, j) => j);
  const total = new Float64Array(width);
  const leftStats = new Float64Array(width);
  const best: Best = new Float64Array(4);
  const tree: Growable = { feature: [], threshold: [], left: [], right: [], value: [] };
  let maxDepth = 0;
  let leaves = 0;

  const stack: number[] = [];
  const newNode = (): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    for (let c = 0; c < width; c++) tree.value.push(0);
    return tree.feature.length - 1;
  };
  stack.push(0, m, 0, newNode());
  while (stack.length > 0) {
    const node = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const src = lists[depth & 1];
    maxDepth = Math.max(maxDepth, depth);
    total.fill(0);
    let w = 0;
    let sq = 0;
    for (let r = start; r < end; r++) {
      const q = src[r];
      const wq = bag.weight[q];
      w += wq;
      if (!regression) total[classes[q]] += wq;
      else {
        let s = 0;
        for (let c = 0; c < width; c++) {
          const v = values[q * width + c];
          total[c] += wq * v;
          s += wq * v * v;
        }
        sq += s;
      }
    }
    for (let c = 0; c < width; c++) tree.value[node * width + c] = total[c] / w;
    const count = end - start;
    const impurity = impurityOf(opts.criterion, total, 0, width, w, sq);
    const canSplit =
      count >= opts.minSamplesSplit &&
      count >= 2 * opts.minSamplesLeaf &&
      (opts.maxDepth === null || depth < opts.maxDepth) &&
      impurity > 1e-12;
    best[FEATURE] = -1;
    best[SCORE] = Infinity;
    if (canSplit) {
      let visited = 0;
      for (let f = 0; f < d && visited < opts.maxFeatures; f++) {
        const pick = f + Math.floor(random() * (d - f));
        const j = features[pick];
        features[pick] = features[f];
        features[f] = j;
        const base = j * m;
        if (cols[base + src[base + start]] >= cols[base + src[base + end - 1]]) continue;
        visited++;
        if (regression) scanValues(bag, src, j, start, end, total, w, leftStats, opts.minSamplesLeaf, best);
        else scanClasses(bag, src, j, start, end, total, w, leftStats, gini, opts.minSamplesLeaf, best);
      }
    }
    if (best[FEATURE] < 0) {
      leaves++;
      continue;
    }
    const bestFeature = best[FEATURE];
    const bestPos = best[POS];
    const bestScore = best[SCORE];
    const base = bestFeature * m;
    for (let r = start; r <= bestPos; r++) goesLeft[src[base + r]] = 1;
    for (let r = bestPos + 1; r < end; r++) goesLeft[src[base + r]] = 0;
    const mid = bestPos + 1;
    partitionLists(m, d, src, lists[(depth + 1) & 1], start, end, mid, goesLeft);
    const childImpurity = regression ? (sq + bestScore) / width : bestScore;
    importance[bestFeature] += w * impurity - childImpurity;
    tree.feature[node] = bestFeature;
    tree.threshold[node] = best[THRESHOLD];
    const left = newNode();
    const right = newNode();
    tree.left[node] = left;
    tree.right[node] = right;
    stack.push(mid, end, depth + 1, right);
    stack.push(start, mid, depth + 1, left);
  }
  return {
    feature: Int32Array.from(tree.feature),
    threshold: Float32Array.from(tree.threshold),
    left: Int32Array.from(tree.left),
    right: Int32Array.from(tree.right),
    value: Float64Array.from(tree.value),
    outputs: width,
    depth: maxDepth,
    leaves,
  };
}

/** The leaf a row of row-major `x` lands in. */
export function leafOf(tree: Tree, x: Float32Array, at: number): number {
  let k = 0;
  while (tree.feature[k] >= 0) k = x[at + tree.feature[k]] <= tree.threshold[k] ? tree.left[k] : tree.right[k];
  return k;
}
