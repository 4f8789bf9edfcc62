import { GraphBuilder, type T } from '../model/graph/GraphBuilder';
import { float64Input } from './float64Input';
import { LearnerError, type FitData, type FitHooks, type Fitted, type LearnerModule } from './types';

/** Params of `ml.knn`, as in scikit-learn's KNeighborsClassifier / KNeighborsRegressor (euclidean metric). */
export interface KnnParams {
  nNeighbors: number;
  weights: 'uniform' | 'distance';
}

/** The training rows a kNN model searches, with their squared norms. */
interface Index {
  x: Float64Array;
  norms: Float64Array;
  n: number;
  d: number;
}

function indexOf(data: FitData): Index {
  const { n, d } = data;
  const x = Float64Array.from(data.x);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
    norms[i] = s;
  }
  return { x, norms, n, d };
}

/**
 * The `k` nearest training rows of query `q` (squared distances `‖q‖² − 2 q·t + ‖t‖²`, as the
 * exported graph computes them), nearest first, ties to the lower row index.
 */
function nearest(ix: Index, q: Float32Array, qo: number, k: number, dist: Float64Array, idx: Int32Array): void {
  const { x, norms, n, d } = ix;
  let qq = 0;
  for (let j = 0; j < d; j++) qq += q[qo + j] * q[qo + j];
  let filled = 0;
  for (let t = 0; t < n; t++) {
    let dot = 0;
    const to = t * d;
    for (let j = 0; j < d; j++) dot += q[qo + j] * x[to + j];
    const v = Math.max(qq - 2 * dot + norms[t], 0);
    if (filled === k && v >= dist[k - 1]) continue;
    let p = filled < k ? filled++ : k - 1;
    while (p > 0 && dist[p - 1] > v) {
      dist[p] = dist[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    dist[p] = v;
    idx[p] = t;
  }
}

/**
 * Neighbour weights from squared distances: 1 (uniform), or `1 / distance`; where a neighbour
 * sits at distance 0, those neighbours weigh 1 and the others 0 (as scikit-learn).
 */
function weightsOf(dist: Float64Array, k: number, mode: KnnParams['weights'], w: Float64Array): number {
  let zero = false;
  for (let r = 0; r < k; r++) if (dist[r] === 0) zero = true;
  let total = 0;
  for (let r = 0; r < k; r++) {
    w[r] = mode === 'uniform' ? 1 : zero ? (dist[r] === 0 ? 1 : 0) : 1 / Math.sqrt(dist[r]);
    total += w[r];
  }
  return total;
}

function predictor(ix: Index, data: FitData, p: KnnParams): (x: Float32Array, n: number) => Float32Array {
  const k = p.nNeighbors;
  const width = data.task === 'classification' ? data.classes : data.targetDim;
  const y = data.y;
  const dist = new Float64Array(k);
  const idx = new Int32Array(k);
  const w = new Float64Array(k);
  const acc = new Float64Array(width);
  return (x, rows) => {
    const out = new Float32Array(rows * width);
    for (let i = 0; i < rows; i++) {
      nearest(ix, x, i * ix.d, k, dist, idx);
      const total = weightsOf(dist, k, p.weights, w);
      acc.fill(0);
      for (let r = 0; r < k; r++) {
        if (data.task === 'classification') acc[y[idx[r]]] += w[r];
        else for (let c = 0; c < width; c++) acc[c] += w[r] * y[idx[r] * width + c];
      }
      for (let c = 0; c < width; c++) out[i * width + c] = acc[c] / total;
    }
    return out;
  };
}

/**
 * The kNN graph in standard operators, in float64: squared distances by MatMul against the training
 * rows (an initializer), TopK (smallest, ties to the lower index), the neighbours' one-hot labels or
 * targets by Gather, then their (weighted) mean.
 */
function knnOnnx(ix: Index, data: FitData, p: KnnParams): Uint8Array {
  const { n, d } = ix;
  const k = p.nNeighbors;
  const b = new GraphBuilder('float64');
  const x = float64Input(b, data.featureShape);
  const trainT = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) trainT[j * n + i] = ix.x[i * d + j];
  const rowsT = b.initializer('train_rows_t', [d, n], trainT, 'float64');
  const norms = b.initializer('train_norms', [n], ix.norms, 'float64');
  const qq = b.op('ReduceSumSquare', [x], ['batch', 1], { axes: { ints: [1] }, keepdims: { i: 1 } });
  const dot = b.op('MatMul', [x, rowsT], ['batch', n]);
  const raw = b.op(
    'Add',
    [b.op('Sub', [qq, b.op('Mul', [dot, b.constF(2)], ['batch', n])], ['batch', n]), norms],
    ['batch', n],
  );
  const d2 = b.op('Max', [raw, b.constF(0)], ['batch', n]);
  const [near, idx] = b.opN(
    'TopK',
    [d2, b.constI64([k])],
    [
      ['batch', k],
      ['batch', k],
    ],
    { largest: { i: 0 }, sorted: { i: 1 }, axis: { i: 1 } },
    ['float64', 'int64'],
  );
  let w: T | null = null;
  if (p.weights === 'distance') {
    const isZero = b.opNoGrad('Equal', [near, b.constF(0)], ['batch', k], {}, 'bool');
    const zeroW = b.op('Cast', [isZero], ['batch', k], { to: { i: 11 } }, 'float64');
    const anyZero = b.op('ReduceMax', [zeroW], ['batch', 1], { axes: { ints: [1] }, keepdims: { i: 1 } });
    const dist = b.op('Sqrt', [b.op('Max', [near, b.constF(1e-300)], ['batch', k])], ['batch', k]);
    const inv = b.op('Reciprocal', [dist], ['batch', k]);
    const hasZero = b.opNoGrad('Greater', [anyZero, b.constF(0)], ['batch', 1], {}, 'bool');
    w = b.op('Where', [hasZero, zeroW, inv], ['batch', k], {}, 'float64');
  }
  const width = data.task === 'classification' ? data.classes : data.targetDim;
  const table = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    if (data.task === 'classification') table[i * width + data.y[i]] = 1;
    else for (let c = 0; c < width; c++) table[i * width + c] = data.y[i * width + c];
  }
  const labels = b.initializer(
    data.task === 'classification' ? 'train_onehot' : 'train_targets',
    [n, width],
    table,
    'float64',
  );
  const picked = b.op('Gather', [labels, idx], ['batch', k, width], { axis: { i: 0 } }, 'float64');
  let mean: T;
  if (!w) mean = b.op('ReduceMean', [picked], ['batch', width], { axes: { ints: [1] }, keepdims: { i: 0 } });
  else {
    const w3 = b.op('Unsqueeze', [w, b.constI64([2])], ['batch', k, 1]);
    const weighted = b.op('Mul', [picked, w3], ['batch', k, width]);
    const sum = b.op('ReduceSum', [weighted, b.constI64([1])], ['batch', width], { keepdims: { i: 0 } });
    const total = b.op('ReduceSum', [w, b.constI64([1])], ['batch', 1], { keepdims: { i: 1 } });
    mean = b.op('Div', [sum, total], ['batch', width]);
  }
  b.output(b.op('Cast', [mean], ['batch', width], { to: { i: 1 } }, 'float32'), 'output');
  return b.encode();
}

async function fitKnn(data: FitData, p: KnnParams, hooks: FitHooks): Promise<Fitted> {
  if (p.nNeighbors > data.n) {
    throw new LearnerError(
      `nNeighbors ${p.nNeighbors} is larger than the ${data.n} training rows; lower nNeighbors to at most ${data.n}`,
    );
  }
  await hooks.step(0, 'indexing the training rows');
  const ix = indexOf(data);
  const predict = predictor(ix, data, p);
  const what = data.task === 'classification' ? 'classifier' : 'regressor';
  return {
    onnx: knnOnnx(ix, data, p),
    predict,
    text: `${p.nNeighbors}-nearest-neighbour ${what} (${p.weights} weights, euclidean) over ${data.n} training rows × ${data.d} features`,
    metrics: { training_rows: data.n },
    history: [],
    info: { nNeighbors: p.nNeighbors, weights: p.weights, metric: 'euclidean' },
  };
}

export const knnLearner: LearnerModule<KnnParams> = {
  type: 'ml.knn',
  tasks: ['classification', 'regression'],
  handlesMissing: false,
  seedOf: () => 0,
  fit: fitKnn,
};
