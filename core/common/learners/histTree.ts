import type { BinnedFeatures } from './binning';
import { addColumns } from './histKernel';
import { TEAM_MIN_ROWS, type HistTeam } from './histTeam';
import type { WasmHist } from './histWasm';
import { float32Array } from './threads';

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
  split: Split | undefined;
}

/**
 * The histogram of children that will not be split (the last split of a tree, or children at the
 * depth limit or too small): none is built, as scikit-learn's TreeGrower skips them.
 */
const NO_HISTOGRAM: Float64Array = new Float64Array(0);

/** Reusable buffers of one fit: ordered gradients and hessians of a node's rows, freed histograms. */
export interface HistScratch {
  rows: Int32Array;
  grad: Float32Array;
  hess: Float32Array;
  pool: Float64Array[];
  /** Worker threads that build histograms of large nodes with this thread, one feature group each. */
  team?: HistTeam;
  /** The WebAssembly kernel, when the binned columns, rows and `grad`/`hess` are views of its memory. */
  wasm?: WasmHist;
}

/** Buffers for growing trees on up to `n` rows (shared between threads when `shared`). */
export function histScratch(n: number, shared = false): HistScratch {
  return { rows: new Int32Array(n), grad: float32Array(n, shared), hess: float32Array(n, shared), pool: [] };
}

/**
 * Writes the histogram of rows `rows[start..end)` to `hist`, overwriting it. Gradients and
 * hessians are read in row order (gathered first unless `rows` is the identity), so every bin sums
 * its rows in the same order, whichever thread builds which features (see {@link HistTeam}).
 */
function buildHistogram(
  data: BinnedFeatures,
  rows: Int32Array,
  start: number,
  end: number,
  identity: boolean,
  grad: Float32Array,
  hess: Float32Array,
  scratch: HistScratch,
  hist: Float64Array,
): void {
  const size = end - start;
  let g = grad;
  let h = hess;
  const wasm = scratch.wasm;
  const inWasm =
    wasm !== undefined &&
    wasm.bins === data.bins &&
    wasm.rows === rows &&
    wasm.og === scratch.grad &&
    wasm.oh === scratch.hess &&
    wasm.grad === grad &&
    wasm.hess === hess;
  const team = scratch.team;
  const teamBuilds = team !== undefined && size >= TEAM_MIN_ROWS && team.serves(data.bins, rows, scratch);
  const inSlot = inWasm && !teamBuilds && wasm.owns(hist) && hist !== wasm.out;
  const needsOrdered = !identity && !(inSlot && data.d % 4 === 0);
  if (inWasm && needsOrdered) {
    wasm.gather(start, end);
    g = wasm.og;
    h = wasm.oh;
  } else if (needsOrdered) {
    const og = scratch.grad;
    const oh = scratch.hess;
    for (let k = 0; k < size; k++) {
      const row = rows[start + k];
      og[k] = grad[row];
      oh[k] = hess[row];
    }
    g = og;
    h = oh;
  }
  if (teamBuilds) {
    team.build(start, size, identity, g, h, hist);
    return;
  }
  const stride = (data.missingBin + 1) * 3;
  if (wasm && wasm.bins === data.bins && wasm.rows === rows && wasm.og === scratch.grad && wasm.oh === scratch.hess) {
    const j = data.d & ~3;
    if (inSlot) {
      const all = identity && start === 0 && size === data.n;
      const counts = all ? wasm.rootCounts : undefined;
      hist.fill(0);
      wasm.addColumns(start, size, 0, j, hist, counts === undefined, true);
      if (counts) for (let k = 0; k < counts.length; k++) hist[3 * k + C] = counts[k];
      else if (all) wasm.rootCounts = Float64Array.from({ length: j * (stride / 3) }, (_, k) => hist[3 * k + C]);
      addColumns(data.bins, data.n, j, data.d, identity ? null : rows, start, size, g, h, hist, stride);
      return;
    }
    if (identity) {
      wasm.og.set(grad.subarray(0, size));
      wasm.oh.set(hess.subarray(0, size));
    }
    wasm.out.fill(0, 0, j * stride);
    wasm.addColumns(start, size, 0, j);
    hist.set(wasm.out.subarray(0, j * stride));
    hist.fill(0, j * stride);
    addColumns(data.bins, data.n, j, data.d, rows, start, size, wasm.og, wasm.oh, hist, stride);
    return;
  }
  hist.fill(0);
  addColumns(data.bins, data.n, 0, data.d, identity ? null : rows, start, size, g, h, hist, stride);
}

/** The best split of `leaf` from its histogram, or undefined when no split gains or is allowed. */
function bestSplit(data: BinnedFeatures, leaf: Leaf, opts: HistTreeOptions): Split | undefined {
  const { d, missingBin } = data;
  const width = missingBin + 1;
  const minLeaf = opts.minSamplesLeaf;
  const l2 = opts.l2;
  const size = leaf.end - leaf.start;
  if (size < 2 * minLeaf) return undefined;
  if (opts.maxDepth !== null && leaf.depth >= opts.maxDepth) return undefined;
  const hist = leaf.hist;
  const lg = leaf.g;
  const lh = leaf.h;
  const parent = (lg * lg) / (lh + l2);
  let bestGain = 0;
  let bestFeature = -1;
  let bestBin = 0;
  let bestMissingLeft = false;
  let bestLeftCount = 0;
  for (let j = 0; j < d; j++) {
    const base = j * width * 3;
    const nb = data.thresholds[j].length + 1;
    const mc = hist[base + missingBin * 3 + C];
    let gl = 0;
    let hl = 0;
    let cl = 0;
    const last = data.hasMissing[j] ? nb - 1 : nb - 2;
    for (let b = 0; b <= last; b++) {
      const at = base + b * 3;
      gl += hist[at + G];
      hl += hist[at + H];
      cl += hist[at + C];
      const cr = size - cl;
      if (cl < minLeaf || cr < minLeaf) continue;
      const hr = lh - hl;
      if (hl < 1e-3 || hr < 1e-3) continue;
      const gr = lg - gl;
      const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
      if (gain > 0 && (bestFeature < 0 || gain > bestGain)) {
        bestGain = gain;
        bestFeature = j;
        bestBin = b;
        bestMissingLeft = false;
        bestLeftCount = cl;
      }
    }
    if (!data.hasMissing[j] || mc === 0) continue;
    let gr = 0;
    let hr = 0;
    let cr = 0;
    for (let b = nb - 1; b >= 1; b--) {
      const at = base + b * 3;
      gr += hist[at + G];
      hr += hist[at + H];
      cr += hist[at + C];
      const cl2 = size - cr;
      if (cl2 < minLeaf || cr < minLeaf) continue;
      const hl2 = lh - hr;
      if (hl2 < 1e-3 || hr < 1e-3) continue;
      const gl2 = lg - gr;
      const gain = (gl2 * gl2) / (hl2 + l2) + (gr * gr) / (hr + l2) - parent;
      if (gain > 0 && (bestFeature < 0 || gain > bestGain)) {
        bestGain = gain;
        bestFeature = j;
        bestBin = b - 1;
        bestMissingLeft = true;
        bestLeftCount = cl2;
      }
    }
  }
  return bestFeature < 0
    ? undefined
    : { gain: bestGain, feature: bestFeature, bin: bestBin, missingLeft: bestMissingLeft, leftCount: bestLeftCount };
}

/** {@link bestSplit} by the WebAssembly scans, for a histogram in a slot of `wasm`. */
function bestSplitWasm(data: BinnedFeatures, leaf: Leaf, opts: HistTreeOptions, wasm: WasmHist): Split | undefined {
  const { d, missingBin } = data;
  const width = missingBin + 1;
  const minLeaf = opts.minSamplesLeaf;
  const size = leaf.end - leaf.start;
  if (size < 2 * minLeaf) return undefined;
  if (opts.maxDepth !== null && leaf.depth >= opts.maxDepth) return undefined;
  const hist = leaf.hist;
  const { g: lg, h: lh } = leaf;
  const l2 = opts.l2;
  const parent = (lg * lg) / (lh + l2);
  const out = wasm.splitOut;
  const outAt = out.byteOffset;
  out[0] = 0;
  let bestFeature = -1;
  let bestBin = 0;
  let bestMissingLeft = false;
  let bestLeftCount = 0;
  for (let j = 0; j < d; j++) {
    const base = j * width * 3;
    const at = hist.byteOffset + 8 * base;
    const nb = data.thresholds[j].length + 1;
    const last = data.hasMissing[j] ? nb - 1 : nb - 2;
    const up = wasm.scanUp(at, last + 1, size, minLeaf, lg, lh, l2, parent, outAt);
    if (up >= 0) {
      bestFeature = j;
      bestBin = up;
      bestMissingLeft = false;
      bestLeftCount = out[1];
    }
    if (!data.hasMissing[j] || hist[base + missingBin * 3 + C] === 0) continue;
    const down = wasm.scanDown(at + 24 * (nb - 1), nb - 1, size, minLeaf, lg, lh, l2, parent, outAt);
    if (down >= 0) {
      bestFeature = j;
      bestBin = nb - 2 - down;
      bestMissingLeft = true;
      bestLeftCount = out[1];
    }
  }
  return bestFeature < 0
    ? undefined
    : { gain: out[0], feature: bestFeature, bin: bestBin, missingLeft: bestMissingLeft, leftCount: bestLeftCount };
}

/**
 * Moves the rows of `rows[start..end)` whose bin in column `col` goes left to the front, keeping
 * both sides in their order, and returns where the right side starts.
 */
function partitionRows(
  bins: Uint8Array,
  col: number,
  goesLeft: Uint8Array,
  rows: Int32Array,
  start: number,
  end: number,
  part: Int32Array,
): number {
  let l = start;
  let k = 0;
  for (let r = start; r < end; r++) {
    const row = rows[r];
    const t = goesLeft[bins[col + row]];
    rows[l] = row;
    part[k] = row;
    l += t;
    k += 1 - t;
  }
  for (let i = 0; i < k; i++) rows[l + i] = part[i];
  return l;
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
  grad: Float32Array,
  hess: Float32Array,
  opts: HistTreeOptions,
  scratch: HistScratch,
): { tree: HistTree; leafOfRange: { start: number; end: number; value: number }[] } {
  const { bins, n, d, missingBin } = data;
  const width = missingBin + 1;
  const histSize = d * width * 3;
  const pool = scratch.pool;

  const wasm = scratch.wasm?.bins === bins && scratch.wasm.rows === rows ? scratch.wasm : undefined;
  if (wasm && grad !== wasm.grad) {
    wasm.grad.set(grad.subarray(0, n));
    wasm.hess.set(hess.subarray(0, n));
    grad = wasm.grad;
    hess = wasm.hess;
  }
  let identityRoot = count === n;
  let g0 = 0;
  let h0 = 0;
  if (wasm) {
    const sums = wasm.rootSums(count);
    identityRoot &&= sums.identity;
    g0 = sums.g;
    h0 = sums.h;
  } else {
    for (let r = 0; r < count && identityRoot; r++) identityRoot = rows[r] === r;
    for (let r = 0; r < count; r++) {
      g0 += grad[rows[r]];
      h0 += hess[rows[r]];
    }
  }
  const build = (start: number, end: number, identity: boolean): Float64Array => {
    let hist = pool.pop();
    while (hist && hist.length !== histSize) hist = pool.pop();
    hist ??= new Float64Array(histSize);
    buildHistogram(data, rows, start, end, identity, grad, hess, scratch, hist);
    return hist;
  };

  const findSplit = (leaf: Leaf): Split | undefined =>
    wasm?.owns(leaf.hist) ? bestSplitWasm(data, leaf, opts, wasm) : bestSplit(data, leaf, opts);

  const feature: number[] = [-1];
  const binThreshold: number[] = [0];
  const missingLeftArr: number[] = [0];
  const left: number[] = [-1];
  const right: number[] = [-1];
  const value: number[] = [0];
  const root: Leaf = {
    node: 0,
    start: 0,
    end: count,
    depth: 0,
    g: g0,
    h: h0,
    hist: build(0, count, identityRoot),
    split: undefined,
  };
  root.split = findSplit(root);
  const open: Leaf[] = [root];
  const part = scratch.rows;
  const goesLeft = wasm ? wasm.goesLeft : new Uint8Array(width);
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
    for (let b = 0; b < width; b++) goesLeft[b] = (b === missingBin ? s.missingLeft : b <= s.bin) ? 1 : 0;
    let gl = 0;
    let hl = 0;
    const hb = s.feature * width * 3;
    for (let b = 0; b < width; b++) {
      if (goesLeft[b] === 0) continue;
      gl += leaf.hist[hb + b * 3 + G];
      hl += leaf.hist[hb + b * 3 + H];
    }
    const mid = wasm
      ? wasm.partition(s.feature, leaf.start, leaf.end)
      : partitionRows(bins, col, goesLeft, rows, leaf.start, leaf.end, part);
    const smallLeft = mid - leaf.start <= leaf.end - mid;
    const large = leaf.hist;
    const childrenMaySplit =
      (opts.maxLeafNodes === null || leaves + 1 < opts.maxLeafNodes) &&
      (opts.maxDepth === null || leaf.depth + 1 < opts.maxDepth) &&
      Math.max(mid - leaf.start, leaf.end - mid) >= 2 * opts.minSamplesLeaf;
    let small: Float64Array = NO_HISTOGRAM;
    if (childrenMaySplit) {
      small = smallLeft ? build(leaf.start, mid, false) : build(mid, leaf.end, false);
      if (wasm?.owns(large) && wasm.owns(small)) wasm.subtract(large, small);
      else for (let i = 0; i < histSize; i++) large[i] -= small[i];
    }
    const ln = feature.length;
    const rn = ln + 1;
    for (let t = 0; t < 2; t++) {
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
      split: undefined,
    };
    const rc: Leaf = {
      node: rn,
      start: mid,
      end: leaf.end,
      depth: leaf.depth + 1,
      g: leaf.g - gl,
      h: leaf.h - hl,
      hist: smallLeft ? large : small,
      split: undefined,
    };
    leaves++;
    open.push(lc, rc);
    if (!childrenMaySplit) {
      pool.push(large);
      lc.hist = rc.hist = NO_HISTOGRAM;
      continue;
    }
    lc.split = findSplit(lc);
    rc.split = findSplit(rc);
    for (const c of [lc, rc]) if (!c.split) pool.push(c.hist);
  }
  const leafOfRange: { start: number; end: number; value: number }[] = [];
  for (const leaf of open) {
    const v = (-opts.learningRate * leaf.g) / (leaf.h + opts.l2 + 1e-15);
    value[leaf.node] = v;
    leafOfRange.push({ start: leaf.start, end: leaf.end, value: v });
    if (leaf.split) pool.push(leaf.hist);
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
