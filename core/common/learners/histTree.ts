import type { BinnedFeatures } from './binning';

/** Histogram slot: gradient sum, hessian sum, row count per (feature, bin). */
const G = 0;
const H = 1;
const C = 2;

export interface HistTreeOptions {
  maxLeafNodes: number | null;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2: number;
  learningRate: number;
}

/** A fitted boosting tree: splits on bins, leaf values already shrunk by the learning rate. */
export interface HistTree {
  feature: Int32Array;
  /** Split bin: rows with `bin <= binThreshold` go left. */
  binThreshold: Int32Array;
  threshold: Float32Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** One value per node (leaf values matter). */
  value: Float64Array;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  leftCount: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  split?: Split;
}

/**
 * Grows one tree best-first (the leaf with the largest gain splits next) on histograms of the
 * gradients and hessians, as scikit-learn's HistGradientBoosting TreeGrower: the larger child's
 * histogram is the parent's minus the smaller child's. `rows` is permuted in place so each leaf
 * owns a range of it.
 */
export function growHistTree(
  data: BinnedFeatures,
  rows: Int32Array,
  count: number,
  grad: Float64Array,
  hess: Float64Array,
  opts: HistTreeOptions,
  scratch: Int32Array,
): { tree: HistTree; leafOfRange: { start: number; end: number; value: number }[] } {
  const { bins, n, d, missingBin } = data;
  const width = missingBin + 1;
  const histSize = d * width * 3;

  const build = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(histSize);
    for (let j = 0; j < d; j++) {
      const col = j * n;
      const base = j * width;
      for (let r = start; r < end; r++) {
        const row = rows[r];
        const at = (base + bins[col + row]) * 3;
        hist[at + G] += grad[row];
        hist[at + H] += hess[row];
        hist[at + C] += 1;
      }
    }
    return hist;
  };

  const score = (g: number, h: number): number => (g * g) / (h + opts.l2);

  const findSplit = (leaf: Leaf): Split | undefined => {
    const size = leaf.end - leaf.start;
    if (size < 2 * opts.minSamplesLeaf) return undefined;
    if (opts.maxDepth !== null && leaf.depth >= opts.maxDepth) return undefined;
    const parent = score(leaf.g, leaf.h);
    let best: Split | undefined;
    const consider = (gain: number, feature: number, bin: number, missingLeft: boolean, leftCount: number): void => {
      if (gain > 0 && (!best || gain > best.gain)) best = { gain, feature, bin, missingLeft, leftCount };
    };
    for (let j = 0; j < d; j++) {
      const base = j * width;
      const nb = data.thresholds[j].length + 1;
      const mc = leaf.hist[(base + missingBin) * 3 + C];
      let gl = 0;
      let hl = 0;
      let cl = 0;
      const last = data.hasMissing[j] ? nb - 1 : nb - 2;
      for (let b = 0; b <= last; b++) {
        const at = (base + b) * 3;
        gl += leaf.hist[at + G];
        hl += leaf.hist[at + H];
        cl += leaf.hist[at + C];
        const cr = size - cl;
        if (cl < opts.minSamplesLeaf || cr < opts.minSamplesLeaf) continue;
        const hr = leaf.h - hl;
        if (hl < 1e-3 || hr < 1e-3) continue;
        consider(score(gl, hl) + score(leaf.g - gl, hr) - parent, j, b, false, cl);
      }
      if (!data.hasMissing[j] || mc === 0) continue;
      let gr = 0;
      let hr = 0;
      let cr = 0;
      for (let b = nb - 1; b >= 1; b--) {
        const at = (base + b) * 3;
        gr += leaf.hist[at + G];
        hr += leaf.hist[at + H];
        cr += leaf.hist[at + C];
        const cl2 = size - cr;
        if (cl2 < opts.minSamplesLeaf || cr < opts.minSamplesLeaf) continue;
        const hl2 = leaf.h - hr;
        if (hl2 < 1e-3 || hr < 1e-3) continue;
        consider(score(leaf.g - gr, hl2) + score(gr, hr) - parent, j, b - 1, true, cl2);
      }
    }
    return best;
  };

  const feature: number[] = [-1];
  const binThreshold: number[] = [0];
  const missingLeftArr: number[] = [0];
  const left: number[] = [-1];
  const right: number[] = [-1];
  const value: number[] = [0];
  let g0 = 0;
  let h0 = 0;
  for (let r = 0; r < count; r++) {
    g0 += grad[rows[r]];
    h0 += hess[rows[r]];
  }
  const root: Leaf = { node: 0, start: 0, end: count, depth: 0, g: g0, h: h0, hist: build(0, count) };
  root.split = findSplit(root);
  const open: Leaf[] = [root];
  let leaves = 1;
  while (open.length > 0 && (opts.maxLeafNodes === null || leaves < opts.maxLeafNodes)) {
    let bi = -1;
    for (let i = 0; i < open.length; i++) {
      const s = open[i].split;
      if (s && (bi < 0 || s.gain > open[bi].split!.gain)) bi = i;
    }
    if (bi < 0) break;
    const leaf = open.splice(bi, 1)[0];
    const s = leaf.split!;
    const col = s.feature * n;
    let l = leaf.start;
    let k = 0;
    for (let r = leaf.start; r < leaf.end; r++) {
      const row = rows[r];
      const b = bins[col + row];
      const goLeft = b === missingBin ? s.missingLeft : b <= s.bin;
      if (goLeft) rows[l++] = row;
      else scratch[k++] = row;
    }
    rows.set(scratch.subarray(0, k), l);
    const mid = l;
    let gl = 0;
    let hl = 0;
    for (let r = leaf.start; r < mid; r++) {
      gl += grad[rows[r]];
      hl += hess[rows[r]];
    }
    const smallLeft = mid - leaf.start <= leaf.end - mid;
    const small = smallLeft ? build(leaf.start, mid) : build(mid, leaf.end);
    const large = leaf.hist;
    for (let i = 0; i < histSize; i++) large[i] -= small[i];
    const ln = feature.length;
    const rn = ln + 1;
    for (const _ of [0, 1]) {
      feature.push(-1);
      binThreshold.push(0);
      missingLeftArr.push(0);
      left.push(-1);
      right.push(-1);
      value.push(0);
    }
    feature[leaf.node] = s.feature;
    binThreshold[leaf.node] = s.bin;
    const size = leaf.end - leaf.start;
    missingLeftArr[leaf.node] = (data.hasMissing[s.feature] ? s.missingLeft : s.leftCount >= size - s.leftCount)
      ? 1
      : 0;
    left[leaf.node] = ln;
    right[leaf.node] = rn;
    const lc: Leaf = {
      node: ln,
      start: leaf.start,
      end: mid,
      depth: leaf.depth + 1,
      g: gl,
      h: hl,
      hist: smallLeft ? small : large,
    };
    const rc: Leaf = {
      node: rn,
      start: mid,
      end: leaf.end,
      depth: leaf.depth + 1,
      g: leaf.g - gl,
      h: leaf.h - hl,
      hist: smallLeft ? large : small,
    };
    leaves++;
    for (const c of [lc, rc]) {
      c.split = findSplit(c);
      open.push(c);
    }
  }
  const leafOfRange: { start: number; end: number; value: number }[] = [];
  for (const leaf of open) {
    const v = (-opts.learningRate * leaf.g) / (leaf.h + opts.l2 + 1e-15);
    value[leaf.node] = v;
    leafOfRange.push({ start: leaf.start, end: leaf.end, value: v });
  }
  const threshold = feature.map((f, k) => {
    if (f < 0) return 0;
    const t = data.thresholds[f];
    return binThreshold[k] < t.length ? t[binThreshold[k]] : 3.4028234663852886e38;
  });
  const missingLeft = Uint8Array.from(missingLeftArr);
  return {
    tree: {
      feature: Int32Array.from(feature),
      binThreshold: Int32Array.from(binThreshold),
      threshold: Float32Array.from(threshold),
      missingLeft,
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    },
    leafOfRange,
  };
}

/** The leaf value a float32 row reaches: NaN follows `missingLeft`, else `x <= threshold` goes left. */
export function histTreeValue(tree: HistTree, x: Float32Array, at: number): number {
  let k = 0;
  while (tree.feature[k] >= 0) {
    const v = x[at + tree.feature[k]];
    const goLeft = Number.isNaN(v) ? tree.missingLeft[k] === 1 : v <= tree.threshold[k];
    k = goLeft ? tree.left[k] : tree.right[k];
  }
  return tree.value[k];
}

/** The leaf value a binned row reaches (validation rows during fitting). */
export function histTreeBinnedValue(tree: HistTree, data: BinnedFeatures, row: number): number {
  let k = 0;
  while (tree.feature[k] >= 0) {
    const b = data.bins[tree.feature[k] * data.n + row];
    const goLeft = b === data.missingBin ? tree.missingLeft[k] === 1 : b <= tree.binThreshold[k];
    k = goLeft ? tree.left[k] : tree.right[k];
  }
  return tree.value[k];
}
