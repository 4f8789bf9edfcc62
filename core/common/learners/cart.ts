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
  const keys = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) keys[i] = cols[j * n + i];
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
    order.set(idx, j * n);
  }
  return { cols, order, n, d };
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
  const { cols, n, d } = sorted;
  const width = targets.kind === 'classes' ? targets.k : targets.t;
  const regression = targets.kind === 'values';
  const classes = targets.kind === 'classes' ? targets.y : undefined;
  let m = 0;
  for (let i = 0; i < n; i++) if (weight[i] > 0) m++;
  const idx = new Int32Array(m * d);
  for (let j = 0; j < d; j++) {
    let r = 0;
    for (let p = 0; p < n; p++) {
      const row = sorted.order[j * n + p];
      if (weight[row] > 0) idx[j * m + r++] = row;
    }
  }
  const goesLeft = new Uint8Array(n);
  const buffer = new Int32Array(m);
  const features = Int32Array.from({ length: d }, (_, j) => j);
  const total = new Float64Array(width);
  const leftStats = new Float64Array(width);
  const tree: Growable = { feature: [], threshold: [], left: [], right: [], value: [] };
  let maxDepth = 0;
  let leaves = 0;

  const addRow = (stats: Float64Array, row: number, w: number): number => {
    if (targets.kind === 'classes') {
      stats[targets.y[row]] += w;
      return 0;
    }
    let sq = 0;
    for (let c = 0; c < width; c++) {
      const v = targets.y[row * width + c];
      stats[c] += w * v;
      sq += w * v * v;
    }
    return sq;
  };

  const stack: { start: number; end: number; depth: number; node: number }[] = [];
  const newNode = (): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    for (let c = 0; c < width; c++) tree.value.push(0);
    return tree.feature.length - 1;
  };
  stack.push({ start: 0, end: m, depth: 0, node: newNode() });
  while (stack.length > 0) {
    const { start, end, depth, node } = stack.pop()!;
    maxDepth = Math.max(maxDepth, depth);
    total.fill(0);
    let w = 0;
    let sq = 0;
    for (let r = start; r < end; r++) {
      const row = idx[r];
      w += weight[row];
      sq += addRow(total, row, weight[row]);
    }
    for (let c = 0; c < width; c++) tree.value[node * width + c] = total[c] / w;
    const count = end - start;
    const impurity = impurityOf(opts.criterion, total, 0, width, w, sq);
    const canSplit =
      count >= opts.minSamplesSplit &&
      count >= 2 * opts.minSamplesLeaf &&
      (opts.maxDepth === null || depth < opts.maxDepth) &&
      impurity > 1e-12;
    let bestFeature = -1;
    let bestPos = -1;
    let bestScore = Infinity;
    let bestThreshold = 0;
    if (canSplit) {
      let visited = 0;
      for (let f = 0; f < d && visited < opts.maxFeatures; f++) {
        const pick = f + Math.floor(random() * (d - f));
        const j = features[pick];
        features[pick] = features[f];
        features[f] = j;
        const base = j * m;
        const col = j * n;
        if (cols[col + idx[base + start]] >= cols[col + idx[base + end - 1]]) continue;
        visited++;
        leftStats.fill(0);
        let wl = 0;
        for (let r = start; r < end - 1; r++) {
          const row = idx[base + r];
          const wRow = weight[row];
          wl += wRow;
          if (classes) leftStats[classes[row]] += wRow;
          else addRow(leftStats, row, wRow);
          const here = cols[col + row];
          const next = cols[col + idx[base + r + 1]];
          if (!(here < next)) continue;
          const nl = r + 1 - start;
          if (nl < opts.minSamplesLeaf || count - nl < opts.minSamplesLeaf) continue;
          const wr = w - wl;
          let score: number;
          if (regression) {
            let gain = 0;
            for (let c = 0; c < width; c++) {
              const sl = leftStats[c];
              const sr = total[c] - sl;
              gain += (sl * sl) / wl + (sr * sr) / wr;
            }
            score = -gain;
          } else {
            let il = 0;
            let ir = 0;
            for (let c = 0; c < width; c++) {
              const pl = leftStats[c] / wl;
              const pr = (total[c] - leftStats[c]) / wr;
              if (opts.criterion === 'gini') {
                il += pl * pl;
                ir += pr * pr;
              } else {
                if (pl > 0) il += pl * Math.log2(pl);
                if (pr > 0) ir += pr * Math.log2(pr);
              }
            }
            score = opts.criterion === 'gini' ? wl * (1 - il) + wr * (1 - ir) : -wl * il - wr * ir;
          }
          if (bestFeature < 0 || score < bestScore - 1e-12 * Math.abs(bestScore)) {
            bestScore = score;
            bestFeature = j;
            bestPos = r;
            const mid = Math.fround((here + next) / 2);
            bestThreshold = mid >= next ? here : mid;
          }
        }
      }
    }
    if (bestFeature < 0) {
      leaves++;
      continue;
    }
    const base = bestFeature * m;
    for (let r = start; r < end; r++) goesLeft[idx[base + r]] = r <= bestPos ? 1 : 0;
    const mid = bestPos + 1;
    for (let j = 0; j < d; j++) {
      const b = j * m;
      let l = start;
      let k = 0;
      for (let r = start; r < end; r++) {
        const row = idx[b + r];
        if (goesLeft[row]) idx[b + l++] = row;
        else buffer[k++] = row;
      }
      idx.set(buffer.subarray(0, k), b + l);
    }
    const childImpurity = regression ? (sq + bestScore) / width : bestScore;
    importance[bestFeature] += w * impurity - childImpurity;
    tree.feature[node] = bestFeature;
    tree.threshold[node] = bestThreshold;
    const left = newNode();
    const right = newNode();
    tree.left[node] = left;
    tree.right[node] = right;
    stack.push({ start: mid, end, depth: depth + 1, node: right });
    stack.push({ start, end: mid, depth: depth + 1, node: left });
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
