import { GraphBuilder } from '../model/graph/GraphBuilder';
import { seededRandom, shuffleInPlace } from '../nodes/prep/random';
import { applyBins, fitBins } from './binning';
import { describeImportances } from './forest';
import { growHistTree, histScratch, histTreeBinnedValue, histTreeValue, type HistTree } from './histTree';
import { featureInput, scoresToOutput } from './onnxGraph';
import { treeRegressor } from './onnxTrees';
import { HistTeam, histTeamShared } from './histTeam';
import { WasmHist } from './histWasm';
import { int32Array, sharedCopy, threadCount, type LearnerThreads } from './threads';
import { LearnerError, type FitData, type FitHooks, type Fitted, type LearnerModule } from './types';

/** Params of `ml.boosting`, as in scikit-learn's HistGradientBoostingClassifier / Regressor. */
export interface BoostingParams {
  learningRate: number;
  maxIter: number;
  maxLeafNodes: number | null;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  maxBins: number;
  earlyStopping: 'auto' | 'on' | 'off';
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  seed: number;
  threads: number;
}

type Loss = 'squared_error' | 'binary' | 'multinomial';

/** Mean loss of raw scores `n × m`: half squared error, binary or multinomial log loss. */
function meanLoss(loss: Loss, raw: Float64Array, y: ArrayLike<number>, rows: ArrayLike<number>, m: number): number {
  let total = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    if (loss === 'squared_error') total += 0.5 * (raw[i] - y[i]) ** 2;
    else if (loss === 'binary') {
      const s = raw[i];
      total += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - (y[i] === 1 ? s : 0);
    } else {
      let max = -Infinity;
      for (let c = 0; c < m; c++) max = Math.max(max, raw[i * m + c]);
      let z = 0;
      for (let c = 0; c < m; c++) z += Math.exp(raw[i * m + c] - max);
      total += max + Math.log(z) - raw[i * m + y[i]];
    }
  }
  return total / Math.max(rows.length, 1);
}

/**
 * Gradients and hessians of the squared error or multinomial loss for every output `c` (into
 * `g[c]`, `h[c]`), with one softmax per row.
 */
function gradients(
  loss: Loss,
  raw: Float64Array,
  y: ArrayLike<number>,
  n: number,
  m: number,
  g: Float32Array[],
  h: Float32Array[],
): void {
  if (loss === 'squared_error') {
    const g0 = g[0];
    const h0 = h[0];
    for (let i = 0; i < n; i++) {
      g0[i] = raw[i] - y[i];
      h0[i] = 1;
    }
    return;
  }
  const e = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    let max = -Infinity;
    for (let k = 0; k < m; k++) max = Math.max(max, raw[o + k]);
    let z = 0;
    for (let k = 0; k < m; k++) {
      e[k] = Math.exp(raw[o + k] - max);
      z += e[k];
    }
    for (let c = 0; c < m; c++) {
      const p = e[c] / z;
      g[c][i] = p - (y[i] === c ? 1 : 0);
      h[c][i] = p * (1 - p);
    }
  }
}

/**
 * Binary log loss summed over rows `0 .. n` of the raw scores, and the gradients and hessians
 * there, with one exponential per row. The `log(1 + e)` terms are summed as the log of their
 * product, added after each block of 512 rows (each factor is in (1, 2], so a block cannot
 * overflow), as {@link WasmHist.binaryLoss} does.
 */
function binaryLossAndGradients(
  raw: Float64Array,
  y: ArrayLike<number>,
  n: number,
  g: Float32Array,
  h: Float32Array,
): number {
  let total = 0;
  let product = 1;
  for (let i = 0; i < n; i++) {
    const s = raw[i];
    const e = Math.exp(-Math.abs(s));
    const q = 1 / (1 + e);
    const p = s > 0 ? q : e * q;
    product *= 1 + e;
    total += (s > 0 ? s : 0) - (y[i] === 1 ? s : 0);
    if ((i & 511) === 511) {
      total += Math.log(product);
      product = 1;
    }
    g[i] = p - y[i];
    h[i] = p * (1 - p);
  }
  return total + Math.log(product);
}

function baseline(loss: Loss, y: ArrayLike<number>, rows: ArrayLike<number>, m: number): number[] {
  if (loss === 'squared_error') {
    let s = 0;
    for (let r = 0; r < rows.length; r++) s += y[rows[r]];
    return [s / rows.length];
  }
  const counts = new Float64Array(loss === 'binary' ? 2 : m);
  for (let r = 0; r < rows.length; r++) counts[y[rows[r]]]++;
  const eps = 1e-15;
  if (loss === 'binary') {
    const p = Math.min(Math.max(counts[1] / rows.length, eps), 1 - eps);
    return [Math.log(p / (1 - p))];
  }
  const logs = Array.from(counts, (c) => Math.log(Math.max(c / rows.length, eps)));
  const mean = logs.reduce((a, c) => a + c, 0) / m;
  return logs.map((l) => l - mean);
}

/**
 * Fits on fewer cells (rows × features) stay on the calling thread: starting workers would cost
 * more than they save. Each thread of a histogram team gets at least four features (the kernel's width).
 */
const MIN_THREADED_CELLS = 200_000;

/** `0, 1, …, n − 1` (a plain loop: `Int32Array.from` with a callback is many times slower). */
function iota(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** `y[rows[k]]` for every k, as float64. */
function gather(y: ArrayLike<number>, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = y[rows[k]];
  return out;
}

/** Rows `rows` of row-major `x` (`d` values each) into `out`, in that order. */
function copyRows(x: Float32Array, d: number, rows: Int32Array, out: Float32Array): void {
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * d;
    const to = r * d;
    for (let j = 0; j < d; j++) out[to + j] = x[from + j];
  }
}

/** A seeded split of the training rows into fitting rows and early-stopping validation rows. */
function holdout(n: number, fraction: number, seed: number): { fit: Int32Array; val: Int32Array } {
  const order = shuffleInPlace(iota(n), seededRandom(seed ^ 0x5eed));
  const k = Math.max(1, Math.floor(n * fraction));
  return { fit: order.slice(k).sort(), val: order.slice(0, k).sort() };
}

async function fitBoosting(data: FitData, p: BoostingParams, hooks: FitHooks): Promise<Fitted> {
  const { n } = data;
  if (data.task === 'regression' && data.targetDim !== 1) {
    throw new LearnerError(`ml.boosting fits one target; this dataset has ${data.targetDim}`);
  }
  const loss: Loss = data.task === 'regression' ? 'squared_error' : data.classes === 2 ? 'binary' : 'multinomial';
  const m = loss === 'multinomial' ? data.classes : 1;
  const early = p.earlyStopping === 'on' || (p.earlyStopping === 'auto' && n > 10_000);
  const split = early ? holdout(n, p.validationFraction, p.seed) : { fit: iota(n), val: new Int32Array(0) };
  if (early && split.fit.length < 2)
    throw new LearnerError('too few training rows to hold out an early-stopping validation fraction');
  const total = Math.min(threadCount(p.threads, hooks.autoThreads), Math.ceil(data.d / 4));
  const opening = total > 1 && n * data.d >= MIN_THREADED_CELLS ? hooks.threads?.(total - 1) : undefined;
  try {
    return await boostWithThreads(data, p, hooks, loss, m, early, split, opening);
  } finally {
    await (await opening)?.close();
  }
}

async function boostWithThreads(
  data: FitData,
  p: BoostingParams,
  hooks: FitHooks,
  loss: Loss,
  m: number,
  early: boolean,
  split: { fit: Int32Array; val: Int32Array },
  opening: Promise<LearnerThreads | undefined> | undefined,
): Promise<Fitted> {
  const { d } = data;
  await hooks.step(0, 'binning features');
  const nf = split.fit.length;
  const fitX = early ? new Float32Array(nf * d) : data.x.subarray(0, nf * d);
  if (early) copyRows(data.x, d, split.fit, fitX);
  const stride = (p.maxBins + 1) * 3;
  const slots = p.maxLeafNodes === null ? 64 : p.maxLeafNodes + 1;
  const wasm = WasmHist.create(nf, d, stride, opening !== undefined, slots);
  const ownBins = wasm ? wasm.fitBins(fitX, d, p.maxBins) : fitBins(fitX, nf, d, p.maxBins);
  const threads = await opening;
  const shared = threads !== undefined && threads.size > 0;
  const binned = wasm
    ? { ...ownBins, bins: wasm.bins }
    : shared
      ? { ...ownBins, bins: sharedCopy(ownBins.bins) }
      : ownBins;
  const yFit = gather(data.y, split.fit);
  const nv = split.val.length;
  const valX = new Float32Array(nv * d);
  copyRows(data.x, d, split.val, valX);
  const valBinned = { ...binned, bins: applyBins(valX, nv, d, binned.thresholds, binned.missingBin), n: nv };
  const yVal = gather(data.y, split.val);
  const all = iota(nf);
  const allVal = iota(nv);
  const base = baseline(loss, yFit, all, m);
  const raw = wasm && m === 1 ? wasm.raw : new Float64Array(nf * m);
  if (wasm && loss === 'binary') wasm.y.set(yFit);
  const rawVal = new Float64Array(nv * m);
  for (let i = 0; i < nf; i++) for (let c = 0; c < m; c++) raw[i * m + c] = base[c];
  for (let i = 0; i < nv; i++) for (let c = 0; c < m; c++) rawVal[i * m + c] = base[c];
  const g = wasm ? wasm.grad : new Float32Array(nf);
  const h = wasm ? wasm.hess : new Float32Array(nf);
  const rows = wasm ? wasm.rows : int32Array(nf, shared);
  const scratch = histScratch(nf, shared);
  if (wasm) Object.assign(scratch, { grad: wasm.og, hess: wasm.oh, wasm, pool: [...wasm.slots] });
  const members: Promise<unknown>[] = [];
  if (shared) {
    const team = histTeamShared(binned.bins, nf, d, stride, rows, scratch, threads.size + 1);
    scratch.team = new HistTeam(team, wasm);
    for (let w = 0; w < threads.size; w++) members.push(threads.call(w, 'histTeam', { shared: team, index: w + 1 }));
  }
  try {
    const trees: { tree: HistTree; target: number }[] = [];
    const history: Fitted['history'] = [];
    const valLosses: number[] = [];
    let stoppedEarly = false;
    const treeOpts = {
      maxLeafNodes: p.maxLeafNodes,
      maxDepth: p.maxDepth,
      minSamplesLeaf: p.minSamplesLeaf,
      l2: p.l2Regularization,
      learningRate: p.learningRate,
    };
    const grads = Array.from({ length: m }, (_, c) => (c === 0 ? g : new Float32Array(nf)));
    const hesses = Array.from({ length: m }, (_, c) => (c === 0 ? h : new Float32Array(nf)));
    const wasmLoss = wasm !== undefined && loss === 'binary' && raw === wasm.raw;
    const lossAndGradients = () => (wasmLoss ? wasm.binaryLoss() : binaryLossAndGradients(raw, yFit, nf, g, h));
    if (loss === 'binary') lossAndGradients();
    for (let it = 0; it < p.maxIter; it++) {
      if (loss !== 'binary') gradients(loss, raw, yFit, nf, m, grads, hesses);
      for (let c = 0; c < m; c++) {
        rows.set(all);
        const { tree, leafOfRange } = growHistTree(binned, rows, nf, grads[c], hesses[c], treeOpts, scratch);
        if (wasm && raw === wasm.raw) for (const leaf of leafOfRange) wasm.leafAdd(leaf.start, leaf.end, leaf.value);
        else
          for (const leaf of leafOfRange)
            for (let r = leaf.start; r < leaf.end; r++) raw[rows[r] * m + c] += leaf.value;
        for (let i = 0; i < nv; i++) rawVal[i * m + c] += histTreeBinnedValue(tree, valBinned, i);
        trees.push({ tree, target: c });
      }
      const fitLoss = loss === 'binary' ? lossAndGradients() / Math.max(nf, 1) : meanLoss(loss, raw, yFit, all, m);
      const metrics: Record<string, number> = { loss: fitLoss };
      if (early) {
        metrics.val_loss = meanLoss(loss, rawVal, yVal, allVal, m);
        valLosses.push(metrics.val_loss);
      }
      history.push({ epoch: it + 1, metrics });
      hooks.epoch(it + 1, metrics);
      await hooks.step((it + 1) / p.maxIter, `iteration ${it + 1} of ${p.maxIter}: loss ${metrics.loss.toFixed(4)}`);
      if (early && valLosses.length > p.nIterNoChange) {
        const reference = valLosses[valLosses.length - p.nIterNoChange - 1];
        if (!valLosses.slice(-p.nIterNoChange).some((v) => v < reference - p.tol)) {
          stoppedEarly = true;
          break;
        }
      }
    }
    const iterations = history.length;
    const b = new GraphBuilder();
    const x = featureInput(b, data.featureShape);
    const ensemble = trees.map(({ tree, target }) => ({
      feature: tree.feature,
      threshold: tree.threshold,
      left: tree.left,
      right: tree.right,
      missingLeft: tree.missingLeft,
      value: tree.value,
      target,
    }));
    const scores = treeRegressor(b, x, ensemble, m, 1, base);
    const link = loss === 'squared_error' ? 'identity' : loss === 'binary' ? 'sigmoid' : 'softmax';
    b.output(scoresToOutput(b, scores, link), 'output');
    const predict = (rowsX: Float32Array, count: number): Float32Array => {
      const acc = new Float32Array(count * m);
      for (let i = 0; i < count; i++) {
        for (const { tree, target } of trees) {
          acc[i * m + target] = Math.fround(acc[i * m + target] + Math.fround(histTreeValue(tree, rowsX, i * d)));
        }
      }
      const out = new Float64Array(count * m);
      for (let i = 0; i < count * m; i++) out[i] = Math.fround(acc[i] + Math.fround(base[i % m]));
      if (link === 'identity') return Float32Array.from(out);
      if (link === 'sigmoid') {
        const r = new Float32Array(count * 2);
        for (let i = 0; i < count; i++) {
          const q = 1 / (1 + Math.exp(-out[i]));
          r[2 * i] = 1 - q;
          r[2 * i + 1] = q;
        }
        return r;
      }
      const r = new Float32Array(count * m);
      for (let i = 0; i < count; i++) {
        let max = -Infinity;
        for (let c = 0; c < m; c++) max = Math.max(max, out[i * m + c]);
        let z = 0;
        for (let c = 0; c < m; c++) z += Math.exp(out[i * m + c] - max);
        for (let c = 0; c < m; c++) r[i * m + c] = Math.exp(out[i * m + c] - max) / z;
      }
      return r;
    };
    const last = history.at(-1)?.metrics ?? {};
    const leaves =
      trees.reduce((a, t) => a + t.tree.feature.filter((f) => f < 0).length, 0) / Math.max(trees.length, 1);
    const splitsUsed = new Float64Array(d);
    for (const { tree } of trees) for (const f of tree.feature) if (f >= 0) splitsUsed[f]++;
    const totalSplits = splitsUsed.reduce((a, c) => a + c, 0);
    if (totalSplits > 0) for (let j = 0; j < d; j++) splitsUsed[j] /= totalSplits;
    return {
      onnx: b.encode(),
      predict,
      text:
        `${iterations} iterations${stoppedEarly ? ' (stopped early)' : ''} of ${m} tree${m > 1 ? 's' : ''}, mean leaves ` +
        `${leaves.toFixed(1)}; ${loss === 'squared_error' ? 'half squared error' : 'log loss'} ${last.loss?.toFixed(4)}` +
        `${last.val_loss !== undefined ? `, validation ${last.val_loss.toFixed(4)}` : ''}; share of splits by feature: ` +
        describeImportances(data.featureNames, splitsUsed),
      metrics: { ...last, iterations },
      history,
      info: {
        loss,
        iterations,
        stoppedEarly,
        earlyStopping: early,
        fitRows: nf,
        validationRows: nv,
        baseline: base,
      },
    };
  } finally {
    scratch.team?.stop();
    await Promise.allSettled(members);
  }
}

export const boostingLearner: LearnerModule<BoostingParams> = {
  type: 'ml.boosting',
  tasks: ['classification', 'regression'],
  handlesMissing: true,
  seedOf: (p) => p.seed,
  fit: fitBoosting,
};
