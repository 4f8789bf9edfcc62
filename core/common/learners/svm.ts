import { seededRandom, shuffleInPlace } from '../nodes/prep/random';
import { WasmKernelColumns } from './svmWasm';
import { coupleProbabilities, sigmoidPredict, sigmoidTrain, type Sigmoid } from './platt';
import { svmOnnx } from './svmOnnx';
import { fitSvr } from './svr';
import {
  dotRows,
  kernelOf,
  rowsOf,
  solveBinary,
  sparseRowsOf,
  type BinaryProblem,
  type Kernel,
  type Rows,
} from './svmSolver';
import type { CsrRows } from '../sparse';
import { LearnerError, type FitData, type FitHooks, type Fitted, type LearnerModule } from './types';
import { maxOf } from '../arrays';

/** Params of `ml.svm`, as in scikit-learn's SVC. */
export interface SvmParams {
  kernel: 'linear' | 'rbf' | 'poly';
  C: number;
  gamma: 'scale' | 'auto' | number;
  degree: number;
  coef0: number;
  tol: number;
  maxIter: number;
  probability: boolean;
  epsilon: number;
  cacheSize: number;
  seed: number;
}

/** A fitted one-vs-one SVC in libsvm's layout; its parameters are float32 values, as the exported model stores them. */
export interface SvcModel {
  k: number;
  d: number;
  kernel: Kernel;
  /** Support vectors, grouped by class, row-major `nSV × d`. */
  sv: Rows;
  /** Support vectors per class. */
  perClass: Int32Array;
  /** `(k − 1) × nSV`: for a support vector of class c, its coefficient in pair (c, o) is in row `o < c ? o : o − 1`. */
  coef: Float64Array;
  /** Per pair (0,1), (0,2)…, (1,2)…: the offset `ρ` of `f(x) = Σ αᵢyᵢK(xᵢ, x) − ρ`; f > 0 votes for the first class. */
  rho: Float64Array;
  /** Per pair, the Platt sigmoid of P(first class), when probability is on. */
  platt: Sigmoid[] | null;
}

export function gammaOf(p: SvmParams, data: FitData): number {
  if (typeof p.gamma === 'number') return p.gamma;
  if (p.gamma === 'auto') return 1 / data.d;
  if (data.sparse) {
    const cells = data.n * data.d;
    let sum = 0;
    let sq = 0;
    for (const v of data.sparse.values) {
      sum += v;
      sq += v * v;
    }
    const variance = sq / cells - (sum / cells) ** 2;
    return variance === 0 ? 1 : 1 / (data.d * variance);
  }
  let m = 0;
  for (let i = 0; i < data.x.length; i++) m += data.x[i];
  m /= data.x.length;
  let v = 0;
  for (let i = 0; i < data.x.length; i++) v += (data.x[i] - m) ** 2;
  v /= data.x.length;
  return v === 0 ? 1 : 1 / (data.d * v);
}

/**
 * Decision values `f(x)` per pair for one row `q` (offset `qo`), into `dec`; kernel values into
 * `kv` (by `columns` when given: the support vectors in WebAssembly).
 */
export function decisionRow(
  m: SvcModel,
  q: ArrayLike<number>,
  qo: number,
  kv: Float64Array,
  dec: Float64Array,
  columns?: WasmKernelColumns,
): void {
  const { sv, d, k, coef, perClass } = m;
  let qq = 0;
  for (let j = 0; j < d; j++) qq += q[qo + j] * q[qo + j];
  if (columns) columns.fillQuery(q, qo, d, qq, kv);
  else {
    for (let s = 0; s < sv.n; s++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += q[qo + j] * sv.x[s * d + j];
      kv[s] = kernelOf(m.kernel, dot, qq, sv.norms[s]);
    }
  }
  const nsv = sv.n;
  let start = 0;
  const starts = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    starts[c] = start;
    start += perClass[c];
  }
  let pair = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let t = starts[a]; t < starts[a] + perClass[a]; t++) s += coef[(b - 1) * nsv + t] * kv[t];
      for (let t = starts[b]; t < starts[b] + perClass[b]; t++) s += coef[a * nsv + t] * kv[t];
      dec[pair] = s - m.rho[pair];
      pair++;
    }
  }
}

/** Turns one row's pairwise decision values into the model output (probabilities or decision softmax). */
export function outputRow(m: SvcModel, dec: Float64Array, out: Float32Array, o: number, scratch: Float64Array[]): void {
  const { k } = m;
  if (m.platt) {
    const r = scratch[0];
    let pair = 0;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const pr = Math.min(Math.max(sigmoidPredict(dec[pair], m.platt[pair]), 1e-7), 1 - 1e-7);
        r[a * k + b] = pr;
        r[b * k + a] = 1 - pr;
        pair++;
      }
    }
    if (k === 2) {
      out[o] = r[1];
      out[o + 1] = r[2];
      return;
    }
    const p = scratch[1];
    coupleProbabilities(k, r, p, scratch[2]);
    for (let c = 0; c < k; c++) out[o + c] = p[c];
    return;
  }
  if (k === 2) {
    out[o] = 1 / (1 + Math.exp(-dec[0]));
    out[o + 1] = 1 / (1 + Math.exp(dec[0]));
    return;
  }
  const votes = scratch[0];
  const conf = scratch[1];
  votes.fill(0, 0, k);
  conf.fill(0, 0, k);
  let pair = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      votes[dec[pair] >= 0 ? a : b]++;
      conf[a] += dec[pair];
      conf[b] -= dec[pair];
      pair++;
    }
  }
  let max = -Infinity;
  for (let c = 0; c < k; c++) {
    votes[c] += conf[c] / (3 * (Math.abs(conf[c]) + 1));
    max = Math.max(max, votes[c]);
  }
  let z = 0;
  for (let c = 0; c < k; c++) z += Math.exp(votes[c] - max);
  for (let c = 0; c < k; c++) out[o + c] = Math.exp(votes[c] - max) / z;
}

/** Model outputs for `n` rows, row-major `n × k`. */
export function predictSvc(m: SvcModel, x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * m.k);
  const kv = new Float64Array(m.sv.n);
  const dec = new Float64Array((m.k * (m.k - 1)) / 2);
  const scratch = [m.k * m.k, m.k, m.k * m.k, m.k].map((len) => new Float64Array(len));
  const columns = supportColumns(m);
  for (let i = 0; i < n; i++) {
    decisionRow(m, x, i * m.d, kv, dec, columns);
    outputRow(m, dec, out, i * m.k, scratch);
  }
  return out;
}

const supportColumnsOf = new WeakMap<SvcModel, WasmKernelColumns | null>();

/** The support vectors of `m` in WebAssembly, made on first use and kept with the model; undefined without WebAssembly. */
function supportColumns(m: SvcModel): WasmKernelColumns | undefined {
  let columns = supportColumnsOf.get(m);
  if (columns === undefined) {
    const index = Int32Array.from({ length: m.sv.n }, (_, s) => s);
    columns = WasmKernelColumns.create(m.sv, index, m.kernel) ?? null;
    supportColumnsOf.set(m, columns);
  }
  return columns ?? undefined;
}

/** `predictSvc` for sparse rows (each row is scattered into one dense buffer). */
function predictSparseSvc(m: SvcModel, x: CsrRows): Float32Array {
  const out = new Float32Array(x.rows * m.k);
  const kv = new Float64Array(m.sv.n);
  const dec = new Float64Array((m.k * (m.k - 1)) / 2);
  const scratch = [m.k * m.k, m.k, m.k * m.k, m.k].map((len) => new Float64Array(len));
  const row = new Float64Array(m.d);
  for (let i = 0; i < x.rows; i++) {
    for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) row[x.indices[k]] = x.values[k];
    decisionRow(m, row, 0, kv, dec);
    outputRow(m, dec, out, i * m.k, scratch);
    for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) row[x.indices[k]] = 0;
  }
  return out;
}

/** Decision values `n × pairs` (scikit-learn's decision_function with decision_function_shape 'ovo'). */
export function decisionValues(m: SvcModel, x: Float32Array, n: number): Float64Array {
  const pairs = (m.k * (m.k - 1)) / 2;
  const out = new Float64Array(n * pairs);
  const kv = new Float64Array(m.sv.n);
  const dec = new Float64Array(pairs);
  const columns = supportColumns(m);
  for (let i = 0; i < n; i++) {
    decisionRow(m, x, i * m.d, kv, dec, columns);
    out.set(dec, i * pairs);
  }
  return out;
}

interface PairFit {
  index: Int32Array;
  coef: Float64Array;
  rho: number;
  iterations: number;
  converged: boolean;
  decisions: Float64Array;
}

function problem(rows: Rows, index: Int32Array, y: Int8Array, kernel: Kernel, p: SvmParams): BinaryProblem {
  return { rows, index, y, C: p.C, kernel, tol: p.tol, maxIter: p.maxIter, cacheBytes: p.cacheSize * 1024 * 1024 };
}

/**
 * Decision values of 5-fold cross-validation on one pair's rows (libsvm's svm_binary_svc_probability),
 * folds from a seeded shuffle; a fold whose training rows hold one class gets ±1 (0 when empty).
 */
function crossValidatedDecisions(
  rows: Rows,
  index: Int32Array,
  y: Int8Array,
  kernel: Kernel,
  p: SvmParams,
  random: () => number,
) {
  const l = index.length;
  const perm = shuffleInPlace(
    Int32Array.from({ length: l }, (_, i) => i),
    random,
  );
  const dec = new Float64Array(l);
  const folds = 5;
  for (let f = 0; f < folds; f++) {
    const begin = Math.floor((f * l) / folds);
    const end = Math.floor(((f + 1) * l) / folds);
    const train: number[] = [];
    for (let t = 0; t < l; t++) if (t < begin || t >= end) train.push(perm[t]);
    let pos = 0;
    for (const t of train) if (y[t] === 1) pos++;
    const neg = train.length - pos;
    if (pos === 0 || neg === 0) {
      for (let t = begin; t < end; t++) dec[perm[t]] = pos === 0 && neg === 0 ? 0 : pos > 0 ? 1 : -1;
      continue;
    }
    const subIndex = Int32Array.from(train, (t) => index[t]);
    const subY = Int8Array.from(train, (t) => y[t]);
    const sol = solveBinary(problem(rows, subIndex, subY, kernel, p));
    const { norms } = rows;
    for (let t = begin; t < end; t++) {
      const r = index[perm[t]];
      let s = 0;
      for (let u = 0; u < subIndex.length; u++) {
        if (sol.coef[u] === 0) continue;
        const ru = subIndex[u];
        s += sol.coef[u] * kernelOf(kernel, dotRows(rows, r, ru), norms[r], norms[ru]);
      }
      dec[perm[t]] = s - sol.rho;
    }
  }
  return dec;
}

/** A fitted SVC and what its fit reports: iterations per pair, convergence, Platt sigmoids. */
export interface SvcFit {
  model: SvcModel;
  /** Support vectors of the solution (a sparse linear model stores one weight row per pair instead). */
  supportVectors: number;
  supportPerClass: Int32Array;
  iterations: number;
  converged: boolean;
  /**
   * Two classes: the solver's decision value per training row (float64 parameters), and a bound
   * on how far the model's (float32 parameters) can be from it.
   */
  training?: { decisions: Float64Array; bound: number };
}

/** Fits the one-vs-one SVC of `data` (libsvm's layout), reporting progress per class pair. */
export async function fitSvc(data: FitData, p: SvmParams, hooks: FitHooks): Promise<SvcFit> {
  const { n, d, classes: k } = data;
  const y = data.y as Int32Array;
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) byClass[y[i]].push(i);
  const empty = byClass.findIndex((rows) => rows.length === 0);
  if (empty >= 0) {
    throw new LearnerError(
      `class ${empty} has no rows in the training split; one-vs-one SVMs need every class there: stratify prep.split`,
    );
  }
  const kernel: Kernel = { kind: p.kernel, gamma: gammaOf(p, data), coef0: p.coef0, degree: p.degree };
  const rows = data.sparse ? sparseRowsOf(data.sparse) : rowsOf(data.x, n, d);
  const random = seededRandom(p.seed);
  const pairs: PairFit[] = [];
  const platt: Sigmoid[] = [];
  const total = (k * (k - 1)) / 2;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      await hooks.step(pairs.length / total, `solving classes ${a} vs ${b} (${pairs.length + 1} of ${total})`);
      const index = Int32Array.from([...byClass[a], ...byClass[b]]);
      const py = Int8Array.from(index, (r) => (y[r] === a ? 1 : -1));
      if (p.probability) {
        const dec = crossValidatedDecisions(rows, index, py, kernel, p, random);
        platt.push(
          sigmoidTrain(
            dec,
            Uint8Array.from(py, (v) => (v === 1 ? 1 : 0)),
          ),
        );
      }
      const sol = solveBinary(problem(rows, index, py, kernel, p));
      pairs.push({ index, ...sol });
    }
  }
  const stalled = pairs.filter((s) => !s.converged);
  if (stalled.length) {
    hooks.warn(
      `the solver did not converge for ${stalled.length} of ${total} class pairs after ${maxOf(stalled.map((s) => s.iterations))} ` +
        'iterations (ConvergenceWarning); raise maxIter (-1: no limit) or standardize the features (prep.standardize)',
    );
  }
  const isSv = new Uint8Array(n);
  for (const s of pairs) s.index.forEach((r, t) => (s.coef[t] !== 0 ? (isSv[r] = 1) : 0));
  const svRows: number[] = [];
  const perClass = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    for (const r of byClass[c]) {
      if (!isSv[r]) continue;
      svRows.push(r);
      perClass[c]++;
    }
  }
  const nsv = svRows.length;
  const f32 = Math.fround;
  const sv = data.sparse ? collapseLinear(rows, pairs, k) : supportVectors(rows, pairs, svRows, perClass, y, k);
  const model: SvcModel = {
    k,
    d,
    kernel: { ...kernel, gamma: f32(kernel.gamma), coef0: f32(kernel.coef0) },
    ...sv,
    rho: Float64Array.from(pairs, (s) => f32(s.rho)),
    platt: p.probability ? platt.map((s) => ({ ...s, A: f32(s.A), B: f32(s.B) })) : null,
  };
  let training: SvcFit['training'];
  if (k === 2) {
    const decisions = new Float64Array(n);
    pairs[0].index.forEach((r, t) => (decisions[r] = pairs[0].decisions[t]));
    let size = Math.abs(pairs[0].rho) + 1;
    for (const c of pairs[0].coef) size += Math.abs(c);
    training = { decisions, bound: size * 1e-6 };
  }
  return {
    model,
    supportVectors: nsv,
    supportPerClass: perClass,
    iterations: pairs.reduce((a, s) => a + s.iterations, 0),
    converged: stalled.length === 0,
    ...(training ? { training } : {}),
  };
}

/** The support vectors of the pairs' solutions, grouped by class, with their coefficients per pair. */
function supportVectors(
  rows: Rows,
  pairs: readonly PairFit[],
  svRows: readonly number[],
  perClass: Int32Array,
  y: Int32Array,
  k: number,
): Pick<SvcModel, 'sv' | 'perClass' | 'coef'> {
  const { d } = rows;
  const nsv = svRows.length;
  const position = new Map(svRows.map((r, s) => [r, s]));
  const coef = new Float64Array(Math.max(k - 1, 1) * nsv);
  let pair = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const s = pairs[pair++];
      s.index.forEach((r, t) => {
        if (s.coef[t] === 0) return;
        const row = y[r] === a ? b - 1 : a;
        coef[row * nsv + position.get(r)!] = s.coef[t];
      });
    }
  }
  const svX = new Float64Array(nsv * d);
  svRows.forEach((r, s) => svX.set(rows.x.subarray(r * d, r * d + d), s * d));
  return { sv: rowsOf(svX, nsv, d), perClass, coef: coef.map(Math.fround) };
}

/**
 * A linear-kernel SVC on sparse rows, stored as one weight row per class pair
 * (`w = Σ f32(αᵢyᵢ) xᵢ`) instead of its support vectors: pair (a, b)'s row counts as a support
 * vector of class a with coefficient 1 for that pair and 0 for every other, so the decision values
 * (`x · w − ρ`) and the exported graph keep the one SVC layout.
 */
function collapseLinear(rows: Rows, pairs: readonly PairFit[], k: number): Pick<SvcModel, 'sv' | 'perClass' | 'coef'> {
  const m = rows.sparse!;
  const { d } = rows;
  const total = pairs.length;
  const w = new Float64Array(total * d);
  const perClass = new Int32Array(k);
  const coef = new Float64Array(Math.max(k - 1, 1) * total);
  let pair = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const s = pairs[pair];
      s.index.forEach((r, t) => {
        const c = Math.fround(s.coef[t]);
        if (c === 0) return;
        for (let u = m.indptr[r]; u < m.indptr[r + 1]; u++) w[pair * d + m.indices[u]] += c * m.values[u];
      });
      perClass[a]++;
      coef[(b - 1) * total + pair] = 1;
      pair++;
    }
  }
  return { sv: rowsOf(w, total, d), perClass, coef };
}

async function fitSvm(data: FitData, p: SvmParams, hooks: FitHooks): Promise<Fitted> {
  if (data.task === 'regression') {
    return fitSvr(data, p, { kind: p.kernel, gamma: gammaOf(p, data), coef0: p.coef0, degree: p.degree }, hooks);
  }
  const { n, classes: k } = data;
  const y = data.y as Int32Array;
  const fit = await fitSvc(data, p, hooks);
  const { model, iterations, converged, supportVectors: nsv, supportPerClass: perClass } = fit;
  const { kernel, platt } = model;
  const total = (k * (k - 1)) / 2;
  const predict = (x: Float32Array, rowsN: number): Float32Array => predictSvc(model, x, rowsN);
  const argmax = (proba: Float32Array, o: number) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[o + c] > proba[o + best]) best = c;
    return best;
  };
  let correct = 0;
  if (fit.training && !platt && !data.sparse) {
    const { decisions, bound } = fit.training;
    const d = data.d;
    for (let i = 0; i < n; i++) {
      const f = decisions[i];
      const best = Math.abs(f) > bound ? (f > 0 ? 0 : 1) : argmax(predict(data.x.subarray(i * d, i * d + d), 1), 0);
      if (best === y[i]) correct++;
    }
  } else {
    const proba = data.sparse ? predictSparseSvc(model, data.sparse) : predict(data.x, n);
    for (let i = 0; i < n; i++) if (argmax(proba, i * k) === y[i]) correct++;
  }
  const accuracy = correct / n;
  return {
    onnx: svmOnnx(model, data.featureShape),
    predict,
    text:
      `SVC (${p.kernel} kernel${p.kernel === 'linear' ? '' : `, gamma ${kernel.gamma.toPrecision(4)}`}, C ${p.C}), ` +
      `${total} one-vs-one problem${total > 1 ? 's' : ''}, ${nsv} support vectors (${Array.from(perClass).join(' / ')} by class), ` +
      `${iterations} SMO iterations; train accuracy ${accuracy.toFixed(4)}${p.probability ? '' : '; outputs are a softmax of the decision values, not calibrated probabilities (set probability)'}`,
    metrics: { accuracy_train: accuracy, support_vectors: nsv, iterations },
    history: [],
    info: {
      gamma: kernel.gamma,
      supportVectors: nsv,
      supportPerClass: Array.from(perClass),
      intercept: Array.from(model.rho, (r) => -r),
      iterations,
      converged,
      ...(platt ? { probA: platt.map((s) => s.A), probB: platt.map((s) => s.B) } : {}),
    },
  };
}

export const svmLearner: LearnerModule<SvmParams> = {
  type: 'ml.svm',
  tasks: ['classification', 'regression'],
  handlesMissing: false,
  readsSparse: (p, task) => p.kernel === 'linear' && task === 'classification',
  seedOf: (p) => p.seed,
  fit: fitSvm,
};
