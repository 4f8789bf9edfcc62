import { GraphBuilder, type T } from '../model/graph/GraphBuilder';
import { float64Input } from './float64Input';
import type { CsrRows } from '../sparse';
import { LearnerError, type FitData, type FitHooks, type Fitted, type LearnerModule } from './types';

/** Params of `ml.naive_bayes`, as in scikit-learn's GaussianNB and MultinomialNB. */
export interface NaiveBayesParams {
  kind: 'gaussian' | 'multinomial';
  varSmoothing: number;
  alpha: number;
  fitPrior: boolean;
}

/** A fitted naive Bayes model: per class a log prior and `d` per-feature parameters. */
interface Model {
  kind: NaiveBayesParams['kind'];
  k: number;
  d: number;
  logPrior: Float64Array;
  /** gaussian: class means `k × d`; multinomial: feature log probabilities `k × d`. */
  a: Float64Array;
  /** gaussian: class variances `k × d` (smoothed). */
  v: Float64Array;
  /** gaussian: `log prior − ½ Σ log(2π var)` per class. */
  c: Float64Array;
}

function counts(data: FitData): Float64Array {
  const out = new Float64Array(data.classes);
  for (let i = 0; i < data.n; i++) out[data.y[i]]++;
  return out;
}

function priorsOf(data: FitData, p: NaiveBayesParams, count: Float64Array): Float64Array {
  const seen = count.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
  return count.map((c) => (c === 0 ? -Infinity : p.fitPrior ? Math.log(c / data.n) : -Math.log(seen)));
}

function fitGaussian(data: FitData, p: NaiveBayesParams): Model {
  const { n, d, classes: k, x, y } = data;
  const count = counts(data);
  const mean = new Float64Array(k * d);
  const v = new Float64Array(k * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[y[i] * d + j] += x[i * d + j];
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) mean[c * d + j] /= Math.max(count[c], 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const e = x[i * d + j] - mean[y[i] * d + j];
      v[y[i] * d + j] += e * e;
    }
  }
  let widest = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i * d + j];
    m /= n;
    let s = 0;
    for (let i = 0; i < n; i++) s += (x[i * d + j] - m) ** 2;
    widest = Math.max(widest, s / n);
  }
  const eps = p.varSmoothing * widest;
  if (widest === 0) {
    throw new LearnerError(
      'every feature column is constant on the training rows; Gaussian naive Bayes has nothing to fit',
    );
  }
  const logPrior = priorsOf(data, p, count);
  const c0 = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      v[c * d + j] = (count[c] > 0 ? v[c * d + j] / count[c] : 1) + eps;
      if (v[c * d + j] === 0) {
        throw new LearnerError(
          `column ${data.featureNames[j]} is constant within class ${c} and varSmoothing is 0, so its variance is 0; ` +
            'set varSmoothing above 0 (scikit-learn uses 1e-9)',
        );
      }
      s += Math.log(2 * Math.PI * v[c * d + j]);
    }
    c0[c] = logPrior[c] - 0.5 * s;
  }
  return { kind: 'gaussian', k, d, logPrior, a: mean, v, c: c0 };
}

function negativeValue(data: FitData, row: number, column: number, v: number): LearnerError {
  return new LearnerError(
    `column ${data.featureNames[column]} has the negative value ${v} in row ${row} of the training ` +
      "split; multinomial naive Bayes needs non-negative counts: use kind 'gaussian', or drop prep.standardize",
  );
}

/** Per class and feature, the summed feature values `k × d` (dense or sparse rows). */
function featureCounts(data: FitData): Float64Array {
  const { n, d, classes: k, x, y, sparse } = data;
  const fc = new Float64Array(k * d);
  if (sparse) {
    for (let i = 0; i < n; i++) {
      for (let t = sparse.indptr[i]; t < sparse.indptr[i + 1]; t++) {
        const v = sparse.values[t];
        if (v < 0) throw negativeValue(data, i, sparse.indices[t], v);
        fc[y[i] * d + sparse.indices[t]] += v;
      }
    }
    return fc;
  }
  for (let i = 0; i < n * d; i++) if (x[i] < 0) throw negativeValue(data, Math.floor(i / d), i % d, x[i]);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) fc[y[i] * d + j] += x[i * d + j];
  return fc;
}

function fitMultinomial(data: FitData, p: NaiveBayesParams): Model {
  const { d, classes: k } = data;
  const fc = featureCounts(data);
  const a = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    let total = 0;
    for (let j = 0; j < d; j++) total += fc[c * d + j] + p.alpha;
    for (let j = 0; j < d; j++) a[c * d + j] = Math.log(fc[c * d + j] + p.alpha) - Math.log(total);
  }
  return {
    kind: 'multinomial',
    k,
    d,
    logPrior: priorsOf(data, p, counts(data)),
    a,
    v: new Float64Array(0),
    c: new Float64Array(0),
  };
}

/** Joint log likelihoods `n × k` in the exported graph's order of operations. */
function jointLogLikelihood(m: Model, x: Float32Array, n: number): Float64Array {
  const { k, d } = m;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      if (m.kind === 'gaussian') {
        for (let j = 0; j < d; j++) {
          const e = x[i * d + j] - m.a[c * d + j];
          s += (e * e) / m.v[c * d + j];
        }
        out[i * k + c] = m.c[c] - 0.5 * s;
      } else {
        for (let j = 0; j < d; j++) s += x[i * d + j] * m.a[c * d + j];
        out[i * k + c] = s + m.logPrior[c];
      }
    }
  }
  return out;
}

/** Multinomial joint log likelihoods `n × k` of sparse rows. */
function sparseJointLogLikelihood(m: Model, x: CsrRows): Float64Array {
  const { k, d } = m;
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = x.indptr[i]; t < x.indptr[i + 1]; t++) s += x.values[t] * m.a[c * d + x.indices[t]];
      out[i * k + c] = s + m.logPrior[c];
    }
  }
  return out;
}

function softmaxRows(jll: Float64Array, n: number, k: number): Float32Array {
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, jll[i * k + c]);
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(jll[i * k + c] - max);
    for (let c = 0; c < k; c++) out[i * k + c] = Math.exp(jll[i * k + c] - max) / z;
  }
  return out;
}

/**
 * The graph in float64 standard operators: Gaussian `c − ½ Σ (x − θ)² / σ²` by broadcasting over
 * `[batch, k, d]`; multinomial `x · log p + log prior` by MatMul; then Softmax.
 */
function naiveBayesOnnx(m: Model, featureShape: readonly number[]): Uint8Array {
  const { k, d } = m;
  const b = new GraphBuilder('float64');
  const x = float64Input(b, featureShape);
  let jll: T;
  if (m.kind === 'gaussian') {
    const x3 = b.op('Unsqueeze', [x, b.constI64([1])], ['batch', 1, d]);
    const theta = b.initializer('theta', [k, d], m.a, 'float64');
    const invVar = b.initializer(
      'inv_var',
      [k, d],
      m.v.map((v) => 1 / v),
      'float64',
    );
    const e = b.op('Sub', [x3, theta], ['batch', k, d]);
    const q = b.op('Mul', [b.op('Mul', [e, e], ['batch', k, d]), invVar], ['batch', k, d]);
    const s = b.op('ReduceSum', [q, b.constI64([2])], ['batch', k], { keepdims: { i: 0 } });
    const c = b.initializer('log_norm', [k], m.c, 'float64');
    jll = b.op('Sub', [c, b.op('Mul', [s, b.constF(0.5)], ['batch', k])], ['batch', k]);
  } else {
    const lp = new Float64Array(d * k);
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) lp[j * k + c] = m.a[c * d + j];
    const w = b.initializer('feature_log_prob_t', [d, k], lp, 'float64');
    const prior = b.initializer('class_log_prior', [k], m.logPrior, 'float64');
    jll = b.op('Add', [b.op('MatMul', [x, w], ['batch', k]), prior], ['batch', k]);
  }
  const p = b.op('Softmax', [jll], ['batch', k], { axis: { i: 1 } });
  b.output(b.op('Cast', [p], ['batch', k], { to: { i: 1 } }, 'float32'), 'output');
  return b.encode();
}

async function fitNaiveBayes(data: FitData, p: NaiveBayesParams, hooks: FitHooks): Promise<Fitted> {
  await hooks.step(0, `fitting ${p.kind} naive Bayes`);
  const m = p.kind === 'gaussian' ? fitGaussian(data, p) : fitMultinomial(data, p);
  const predict = (x: Float32Array, n: number): Float32Array => softmaxRows(jointLogLikelihood(m, x, n), n, m.k);
  const proba = data.sparse
    ? softmaxRows(sparseJointLogLikelihood(m, data.sparse), data.n, m.k)
    : predict(data.x, data.n);
  let correct = 0;
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let c = 1; c < m.k; c++) if (proba[i * m.k + c] > proba[i * m.k + best]) best = c;
    if (best === data.y[i]) correct++;
  }
  const accuracy = correct / data.n;
  const rows = (t: Float64Array) =>
    Array.from({ length: m.k }, (_, c) => Array.from(t.subarray(c * m.d, c * m.d + m.d)));
  return {
    onnx: naiveBayesOnnx(m, data.featureShape),
    predict,
    text: `${p.kind} naive Bayes over ${m.k} classes and ${m.d} features: train accuracy ${accuracy.toFixed(4)}`,
    metrics: { accuracy_train: accuracy },
    history: [],
    info: {
      classLogPrior: Array.from(m.logPrior),
      ...(m.kind === 'gaussian' ? { theta: rows(m.a), var: rows(m.v) } : { featureLogProb: rows(m.a) }),
    },
  };
}

export const naiveBayesLearner: LearnerModule<NaiveBayesParams> = {
  type: 'ml.naive_bayes',
  tasks: ['classification'],
  wrongTask: 'ml.naive_bayes fits class labels; for a numeric target use ml.linear or ml.knn',
  handlesMissing: false,
  readsSparse: (p) => p.kind === 'multinomial',
  seedOf: () => 0,
  fit: fitNaiveBayes,
};
