import { GraphBuilder } from '../model/graph/GraphBuilder';
import { seededRandom } from '../nodes/prep/random';
import { leafOf, sortFeatures, type Criterion, type Targets, type Tree } from './cart';
import { CartArena } from './cartWasm';
import { growForestTree, type ForestJob, type GrownTree } from './forestTree';
import { sharedCopy, threadCount, type LearnerThreads } from './threads';
import { featureInput } from './onnxGraph';
import { treeClassifier, treeRegressor } from './onnxTrees';
import { treeSketch } from './treeSketch';
import { LearnerError, type FitData, type FitHooks, type Fitted, type LearnerModule } from './types';

/** Params of `ml.tree`, as in scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor. */
export interface TreeParams {
  criterion: 'auto' | Criterion;
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: 'auto' | 'all' | 'sqrt' | 'log2' | number;
  classWeight: 'none' | 'balanced';
  seed: number;
}

/** Params of `ml.forest`, as in scikit-learn's RandomForestClassifier / RandomForestRegressor. */
export interface ForestParams extends TreeParams {
  nEstimators: number;
  bootstrap: boolean;
  oobScore: boolean;
  threads: number;
}

/** Forests with less work (rows × trees × features per split) are grown on the calling thread: starting workers would cost more. */
const MIN_THREADED_WORK = 1_000_000;

/**
 * Trees are handed to workers as they free up; `accept` takes them in tree order, so the
 * importances and out-of-bag sums add up the same whatever the thread count.
 */
async function growOnWorkers(
  threads: LearnerThreads,
  job: ForestJob,
  seeds: number[],
  grown: (GrownTree | undefined)[],
  accept: () => Promise<void>,
): Promise<void> {
  const shared: ForestJob = {
    ...job,
    sorted: {
      ...job.sorted,
      cols: sharedCopy(job.sorted.cols),
      pairs: sharedCopy(job.sorted.pairs),
    },
  };
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: threads.size }, async (_, w) => {
      try {
        await threads.call(w, 'forestInit', shared);
        while (next < seeds.length && !failed) {
          const t = next++;
          grown[t] = (await threads.call(w, 'forestTree', seeds[t])) as GrownTree;
          await accept();
        }
      } catch (e) {
        failed = true;
        throw e;
      }
    }),
  );
}

function criterionFor(data: FitData, p: TreeParams): Criterion {
  const c = p.criterion === 'auto' ? (data.task === 'classification' ? 'gini' : 'squared_error') : p.criterion;
  if ((c === 'squared_error') !== (data.task === 'regression')) {
    throw new LearnerError(
      `criterion ${c} does not fit a ${data.task} dataset; use ${data.task === 'regression' ? 'squared_error' : 'gini or entropy'} (or auto)`,
    );
  }
  return c;
}

function featureCount(d: number, p: TreeParams, task: FitData['task'], forest: boolean): number {
  const mf = p.maxFeatures === 'auto' ? (forest && task === 'classification' ? 'sqrt' : 'all') : p.maxFeatures;
  if (mf === 'all') return d;
  if (mf === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(d)));
  if (mf === 'log2') return Math.max(1, Math.floor(Math.log2(d)));
  return Math.max(1, Math.floor(mf * d));
}

/** Per-row weights from the class weights (`balanced`: n / (k × count of the row's class)). */
function rowWeights(data: FitData, p: TreeParams): Float64Array {
  const w = new Float64Array(data.n).fill(1);
  if (data.task !== 'classification' || p.classWeight === 'none') return w;
  const counts = new Float64Array(data.classes);
  for (let i = 0; i < data.n; i++) counts[data.y[i]]++;
  for (let i = 0; i < data.n; i++) w[i] = data.n / (data.classes * counts[data.y[i]]);
  return w;
}

/** Summed leaf values of `trees` for each row, times `scale`, accumulated in float32 like onnxruntime. */
function ensemblePredict(trees: readonly Tree[], x: Float32Array, n: number, d: number, scale: number): Float32Array {
  const width = trees[0].outputs;
  const out = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    for (const tree of trees) {
      const leaf = leafOf(tree, x, i * d);
      for (let c = 0; c < width; c++) {
        out[i * width + c] = Math.fround(out[i * width + c] + Math.fround(tree.value[leaf * width + c] * scale));
      }
    }
  }
  return out;
}

function oobFigure(data: FitData, sums: Float64Array, hits: Int32Array): number {
  const width = sums.length / data.n;
  let used = 0;
  let correct = 0;
  let ssr = 0;
  const mean = new Float64Array(width);
  for (let i = 0; i < data.n; i++) {
    if (hits[i] === 0) continue;
    used++;
    for (let c = 0; c < width; c++) mean[c] += data.y[i * width + c];
  }
  if (used === 0) return NaN;
  for (let c = 0; c < width; c++) mean[c] /= used;
  let sst = 0;
  for (let i = 0; i < data.n; i++) {
    if (hits[i] === 0) continue;
    if (data.task === 'classification') {
      let best = 0;
      for (let c = 1; c < width; c++) if (sums[i * width + c] > sums[i * width + best]) best = c;
      if (best === data.y[i]) correct++;
      continue;
    }
    for (let c = 0; c < width; c++) {
      ssr += (data.y[i * width + c] - sums[i * width + c] / hits[i]) ** 2;
      sst += (data.y[i * width + c] - mean[c]) ** 2;
    }
  }
  return data.task === 'classification' ? correct / used : sst > 0 ? 1 - ssr / sst : 0;
}

/** Impurity-based importances, largest first, as `name 0.123`. */
export function describeImportances(names: readonly string[], importance: Float64Array, shown = 5): string {
  return Array.from(importance, (v, j) => ({ name: names[j], v }))
    .sort((a, b) => b.v - a.v)
    .slice(0, shown)
    .map((r) => `${r.name} ${r.v.toFixed(3)}`)
    .join(', ');
}

/** Fits `count` CART trees (bootstrapped or on every row) and exports them as one TreeEnsemble node. */
export async function fitTrees(
  data: FitData,
  p: TreeParams,
  opts: { count: number; bootstrap: boolean; oob: boolean; forest: boolean; threads: number },
  hooks: FitHooks,
): Promise<Fitted> {
  const { n, d } = data;
  const criterion = criterionFor(data, p);
  if (opts.oob && !opts.bootstrap)
    throw new LearnerError('oobScore needs bootstrap: out-of-bag rows exist only in bootstrap samples');
  const treeOpts = {
    criterion,
    maxDepth: p.maxDepth,
    minSamplesSplit: p.minSamplesSplit,
    minSamplesLeaf: p.minSamplesLeaf,
    maxFeatures: featureCount(d, p, data.task, opts.forest),
  };
  const targets: Targets =
    data.task === 'classification'
      ? { kind: 'classes', y: data.y as Int32Array, k: data.classes }
      : { kind: 'values', y: data.y as Float32Array, t: data.targetDim };
  const width = data.task === 'classification' ? data.classes : data.targetDim;
  await hooks.step(0, 'sorting features');
  const sorted = sortFeatures(data.x, n, d);
  const base = rowWeights(data, p);
  const master = seededRandom(p.seed);
  const seeds = Array.from({ length: opts.count }, () => Math.floor(master() * 4294967296));
  const trees: Tree[] = [];
  const importance = new Float64Array(d);
  const oobSums = new Float64Array(opts.oob ? n * width : 0);
  const oobHits = new Int32Array(opts.oob ? n : 0);
  const grown: (GrownTree | undefined)[] = new Array<GrownTree | undefined>(opts.count);
  const accept = async (): Promise<void> => {
    while (trees.length < opts.count && grown[trees.length]) {
      const { tree, importance: treeImportance, weight } = grown[trees.length]!;
      grown[trees.length] = undefined;
      trees.push(tree);
      const sum = treeImportance.reduce((a, c) => a + c, 0);
      if (sum > 0) for (let j = 0; j < d; j++) importance[j] += treeImportance[j] / sum;
      if (opts.oob) {
        for (let i = 0; i < n; i++) {
          if (weight![i] > 0) continue;
          const leaf = leafOf(tree, data.x, i * d);
          for (let c = 0; c < width; c++) oobSums[i * width + c] += tree.value[leaf * width + c];
          oobHits[i]++;
        }
      }
      await hooks.step(trees.length / opts.count, `tree ${trees.length} of ${opts.count}`);
    }
  };
  const job: ForestJob = { sorted, targets, base, treeOpts, bootstrap: opts.bootstrap, oob: opts.oob };
  const total = threadCount(opts.threads, hooks.autoThreads);
  const threads =
    total > 1 && opts.count > 1 && n * opts.count * treeOpts.maxFeatures >= MIN_THREADED_WORK
      ? await hooks.threads?.(Math.min(total, opts.count))
      : undefined;
  try {
    if (threads && threads.size > 0) await growOnWorkers(threads, job, seeds, grown, accept);
    else {
      const weight = new Float64Array(n);
      const arena = new CartArena();
      for (let t = 0; t < opts.count; t++) {
        grown[t] = growForestTree(job, seeds[t], weight, arena);
        await accept();
      }
    }
  } finally {
    await threads?.close();
  }
  const summed = importance.reduce((a, c) => a + c, 0);
  if (summed > 0) for (let j = 0; j < d; j++) importance[j] /= summed;
  const scale = 1 / trees.length;
  const b = new GraphBuilder();
  const x = featureInput(b, data.featureShape);
  const out =
    data.task === 'classification'
      ? treeClassifier(b, x, trees, width, scale)
      : treeRegressor(b, x, trees, width, scale);
  b.output(out, 'output');
  const depth = trees.reduce((a, t) => a + t.depth, 0) / trees.length;
  const leaves = trees.reduce((a, t) => a + t.leaves, 0) / trees.length;
  const metrics: Record<string, number> = { depth, leaves };
  let oobText = '';
  if (opts.oob) {
    const score = oobFigure(data, oobSums, oobHits);
    metrics.oob_score = score;
    oobText = `; out-of-bag ${data.task === 'classification' ? 'accuracy' : 'R²'} ${score.toFixed(4)}`;
  }
  const shape = opts.forest
    ? `${trees.length} trees, mean depth ${depth.toFixed(1)}, mean leaves ${leaves.toFixed(1)}`
    : `depth ${depth}, ${leaves} leaves`;
  return {
    onnx: b.encode(),
    predict: (rows, count) => ensemblePredict(trees, rows, count, d, scale),
    text: `${shape}${oobText}; feature importance: ${describeImportances(data.featureNames, importance)}`,
    metrics,
    history: [],
    tree: treeSketch(trees[0], data.featureNames, opts.forest ? `first of ${trees.length} trees` : 'tree'),
    info: {
      criterion,
      maxFeaturesPerSplit: treeOpts.maxFeatures,
      featureImportances: Object.fromEntries(data.featureNames.map((f, j) => [f, importance[j]])),
      ...(opts.forest ? { meanDepth: depth, meanLeaves: leaves } : { depth, leaves }),
      ...(opts.oob ? { oobScore: metrics.oob_score } : {}),
    },
  };
}

export const treeLearner: LearnerModule<TreeParams> = {
  type: 'ml.tree',
  tasks: ['classification', 'regression'],
  handlesMissing: false,
  seedOf: (p) => p.seed,
  fit: (data, p, hooks) =>
    fitTrees(data, p, { count: 1, bootstrap: false, oob: false, forest: false, threads: 1 }, hooks),
};

export const forestLearner: LearnerModule<ForestParams> = {
  type: 'ml.forest',
  tasks: ['classification', 'regression'],
  handlesMissing: false,
  seedOf: (p) => p.seed,
  fit: (data, p, hooks) =>
    fitTrees(
      data,
      p,
      { count: p.nEstimators, bootstrap: p.bootstrap, oob: p.oobScore, forest: true, threads: p.threads },
      hooks,
    ),
};
