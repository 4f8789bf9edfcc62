/**
 * CART trees on presorted features: every node is one range of a per-feature list of (row, value)
 * pairs kept in ascending value order, so a split scans each candidate feature's values in sequence
 * and the children are made by a stable partition, with no sorting and no allocation per row. The
 * partition and the gini scan run in WebAssembly (`cartWasm.ts`) where it is there.
 */
import { CartArena, type CartBuffers } from './cartWasm';

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

/**
 * The features once, column-major (`cols`), and per column its rows in ascending order, ties in
 * row order, as (row, value) pairs: pair `p` of column `j` at `2 (j n + p)` in `pairs`, the row
 * then the value's float32 bits.
 */
export interface SortedFeatures {
  cols: Float32Array;
  pairs: Int32Array;
  n: number;
  d: number;
}

/** Sorts the columns of row-major `x` (`n × d`) by a radix sort of their float32 bits. */
export function sortFeatures(x: Float32Array, n: number, d: number): SortedFeatures {
  const cols = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) cols[j * n + i] = x[i * d + j];
  const bits = new Uint32Array(cols.buffer);
  const pairs = new Int32Array(2 * n * d);
  const column = new Int32Array(n);
  const keys = new Uint32Array(n);
  const scratch = new Int32Array(n);
  const count = new Int32Array(RADIX);
  for (let j = 0; j < d; j++) {
    const base = j * n;
    for (let i = 0; i < n; i++) {
      const b = bits[base + i] === 0x80000000 ? 0 : bits[base + i];
      keys[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    }
    radixOrder(keys, column, scratch, count);
    for (let p = 0; p < n; p++) {
      pairs[2 * (base + p)] = column[p];
      pairs[2 * (base + p) + 1] = bits[base + column[p]];
    }
  }
  return { cols, pairs, n, d };
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/**
 * Writes into `out` the indices 0..n-1 in ascending `keys` order, ties in index order (LSD radix,
 * skipping digits that every key shares); `scratch` holds n indices, `count` one per digit value.
 */
function radixOrder(keys: Uint32Array, out: Int32Array, scratch: Int32Array, count: Int32Array): void {
  const n = keys.length;
  for (let i = 0; i < n; i++) out[i] = i;
  let from = out;
  let to = scratch;
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & (RADIX - 1)]++;
    if (count[(keys[0] >>> shift) & (RADIX - 1)] === n) continue;
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
  if (from !== out) out.set(from);
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
 * The bagged rows of one tree renumbered 0..m-1, so that every per-row array is small and dense,
 * in `buffers` (see {@link CartBuffers}); regression targets beside them.
 */
interface Bag {
  buffers: CartBuffers;
  values: Float64Array;
}

function bagRows(sorted: SortedFeatures, targets: Targets, weight: Float64Array, arena: CartArena): Bag {
  const { n, d } = sorted;
  const compact = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) compact[i] = weight[i] > 0 ? m++ : -1;
  const width = targets.kind === 'classes' ? targets.k : targets.t;
  const buffers = arena.buffers(m, d, width);
  const { list } = buffers;
  const { pairs } = sorted;
  for (let j = 0; j < d; j++) {
    let r = 2 * j * m;
    for (let p = 2 * j * n; p < 2 * (j + 1) * n; p += 2) {
      const q = compact[pairs[p]];
      list[r] = q;
      list[r + 1] = pairs[p + 1];
      r += (~q >>> 31) << 1;
    }
  }
  const values = new Float64Array(targets.kind === 'values' ? m * width : 0);
  for (let i = 0; i < n; i++) {
    const q = compact[i];
    if (q < 0) continue;
    buffers.weight[q] = weight[i];
    if (targets.kind === 'classes') buffers.classes[q] = targets.y[i];
    else for (let c = 0; c < width; c++) values[q * width + c] = targets.y[i * width + c];
  }
  return { buffers, values };
}

const SCORE = 0;
const POS = 1;
const FEATURE = 2;
const THRESHOLD = 3;

function offer(best: Float64Array, score: number, r: number, j: number, here: number, next: number): void {
  if (best[FEATURE] < 0 || score < best[SCORE] - 1e-12 * Math.abs(best[SCORE])) {
    best[SCORE] = score;
    best[FEATURE] = j;
    best[POS] = r;
    const mid = Math.fround((here + next) / 2);
    best[THRESHOLD] = mid >= next ? here : mid;
  }
}

/** Scans feature `j`'s thresholds at a classification node (gini or entropy) in JavaScript. */
function scanClasses(
  buffers: CartBuffers,
  j: number,
  start: number,
  end: number,
  w: number,
  gini: boolean,
  minLeaf: number,
): void {
  const { m, list, values: vals, weight, classes, total, left, best } = buffers;
  const base = j * m;
  const k = total.length;
  const count = end - start;
  left.fill(0);
  let wl = 0;
  let next = vals[2 * (base + start) + 1];
  for (let r = start; r < end - 1; r++) {
    const q = list[2 * (base + r)];
    const wq = weight[q];
    wl += wq;
    left[classes[q]] += wq;
    const here = next;
    next = vals[2 * (base + r) + 3];
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
function scanValues(bag: Bag, j: number, start: number, end: number, w: number, minLeaf: number): void {
  const { m, list, values: vals, weight, total, left, best } = bag.buffers;
  const { values } = bag;
  const base = j * m;
  const t = total.length;
  const count = end - start;
  left.fill(0);
  let wl = 0;
  let next = vals[2 * (base + start) + 1];
  for (let r = start; r < end - 1; r++) {
    const q = list[2 * (base + r)];
    const wq = weight[q];
    wl += wq;
    for (let c = 0; c < t; c++) left[c] += wq * values[q * t + c];
    const here = next;
    next = vals[2 * (base + r) + 3];
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

/**
 * Grows one tree depth-first on the rows with `weight[i] > 0` (a bootstrap passes its counts, class
 * weights multiply in). Adds each split's weighted impurity decrease to `importance[feature]`.
 * A forest passes one `arena` for all its trees.
 */
export function growTree(
  sorted: SortedFeatures,
  targets: Targets,
  weight: Float64Array,
  opts: TreeOptions,
  random: () => number,
  importance: Float64Array,
  arena = new CartArena(),
): Tree {
  const { d } = sorted;
  const width = targets.kind === 'classes' ? targets.k : targets.t;
  const regression = targets.kind === 'values';
  const gini = opts.criterion === 'gini';
  const bag = bagRows(sorted, targets, weight, arena);
  const { buffers, values } = bag;
  const { m, list, values: vals, classes, total, best } = buffers;
  const features = Int32Array.from({ length: d }, (_, j) => j);
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
    maxDepth = Math.max(maxDepth, depth);
    total.fill(0);
    let w = 0;
    let sq = 0;
    const sums = regression ? undefined : buffers.classSums(start, end);
    if (sums !== undefined) w = sums;
    else
      for (let r = start; r < end; r++) {
        const q = list[2 * r];
        const wq = buffers.weight[q];
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
        if (vals[2 * (base + start) + 1] >= vals[2 * (base + end) - 1]) continue;
        visited++;
        if (regression) scanValues(bag, j, start, end, w, opts.minSamplesLeaf);
        else if (!(gini && buffers.gini(j, start, end, w, opts.minSamplesLeaf)))
          scanClasses(buffers, j, start, end, w, gini, opts.minSamplesLeaf);
      }
    }
    if (best[FEATURE] < 0) {
      leaves++;
      continue;
    }
    const bestFeature = best[FEATURE];
    const bestPos = best[POS];
    const bestScore = best[SCORE];
    const mid = bestPos + 1;
    buffers.markLeft(bestFeature, start, mid, end);
    buffers.partition(start, end);
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
