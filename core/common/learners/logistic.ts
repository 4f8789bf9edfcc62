import { lbfgs } from './lbfgs';
import { describeCoefficients } from './linear';
import { WasmLinear } from './logisticWasm';
import { applyLink, linearOnnx, linearScores, sparseLinearScores } from './onnxGraph';
import type { CsrRows } from '../sparse';
import { LearnerError, type FitData, type FitHooks, type Fitted, type LearnerModule } from './types';

/** Params of `ml.logistic`, as in scikit-learn's LogisticRegression. */
export interface LogisticParams {
  penalty: 'l2' | 'l1' | 'none';
  C: number;
  solver: 'lbfgs' | 'cd';
  fitIntercept: boolean;
  maxIter: number;
  tol: number;
}

/**
 * Row losses and score residuals (`p − y`) of a binary (`m = 1`, sigmoid) or multinomial
 * (`m = k`, softmax) model; returns the summed loss. `q` receives the diagonal of the Hessian per
 * score (`p(1 − p)`) when given. Binary `log(1 + e)` terms are summed as the log of their product,
 * once per 512 rows (each factor is in (1, 2]).
 */
function lossAndResidual(
  scores: Float64Array,
  y: Int32Array,
  n: number,
  m: number,
  resid: Float64Array,
  q?: Float64Array,
): number {
  let total = 0;
  if (m === 1) {
    let product = 1;
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      const e = Math.exp(-Math.abs(s));
      const inv = 1 / (1 + e);
      const p = s > 0 ? inv : e * inv;
      product *= 1 + e;
      if ((i & 511) === 511) {
        total += Math.log(product);
        product = 1;
      }
      total += (s > 0 ? s : 0) - (y[i] === 1 ? s : 0);
      resid[i] = p - (y[i] === 1 ? 1 : 0);
      if (q) q[i] = p * (1 - p);
    }
    return total + Math.log(product);
  }
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < m; c++) max = Math.max(max, scores[i * m + c]);
    let z = 0;
    for (let c = 0; c < m; c++) z += Math.exp(scores[i * m + c] - max);
    total += max + Math.log(z) - scores[i * m + y[i]];
    for (let c = 0; c < m; c++) {
      const p = Math.exp(scores[i * m + c] - max) / z;
      resid[i * m + c] = p - (c === y[i] ? 1 : 0);
      if (q) q[i * m + c] = p * (1 - p);
    }
  }
  return total;
}

/** Rows per block of the lbfgs loss and gradient. */
const LBFGS_BLOCK = 2048;

interface Problem {
  /** Column-major features, `d × n` (exact copies of the float32 inputs); empty when `sparse` is set. */
  cols: Float32Array;
  /** The rows in CSR form instead of `cols` (TF-IDF features, lbfgs only). */
  sparse?: CsrRows;
  y: Int32Array;
  n: number;
  d: number;
  m: number;
  /** The dense lbfgs loops in WebAssembly, `cols` a view of its memory. */
  wasm?: WasmLinear;
  /** L2 strength on the mean-loss scale: `1 / (C n)`. */
  lambda: number;
}

/** Binary scores of rows `i0 .. i0 + bn` into `out`, four feature columns per pass. */
function binaryScores(
  cols: Float32Array,
  n: number,
  d: number,
  i0: number,
  bn: number,
  w: Float64Array,
  bias: number,
  out: Float64Array,
): void {
  for (let i = 0; i < bn; i++) out[i] = bias;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const w0 = w[j];
    const w1 = w[j + 1];
    const w2 = w[j + 2];
    const w3 = w[j + 3];
    const o0 = j * n + i0;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let i = 0; i < bn; i++) {
      out[i] += w0 * cols[o0 + i] + w1 * cols[o1 + i] + w2 * cols[o2 + i] + w3 * cols[o3 + i];
    }
  }
  for (; j < d; j++) {
    const wj = w[j];
    const o = j * n + i0;
    for (let i = 0; i < bn; i++) out[i] += wj * cols[o + i];
  }
}

/** Adds `Σ x_ij r_i` over rows `i0 .. i0 + bn` to `sums[j]`, four feature columns per pass. */
function binaryGradient(
  cols: Float32Array,
  n: number,
  d: number,
  i0: number,
  bn: number,
  resid: Float64Array,
  sums: Float64Array,
): void {
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const o0 = j * n + i0;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < bn; i++) {
      const r = resid[i];
      s0 += cols[o0 + i] * r;
      s1 += cols[o1 + i] * r;
      s2 += cols[o2 + i] * r;
      s3 += cols[o3 + i] * r;
    }
    sums[j] += s0;
    sums[j + 1] += s1;
    sums[j + 2] += s2;
    sums[j + 3] += s3;
  }
  for (; j < d; j++) {
    const o = j * n + i0;
    let s = 0;
    for (let i = 0; i < bn; i++) s += cols[o + i] * resid[i];
    sums[j] += s;
  }
}

/**
 * Multinomial scores `out[(i − i0) m + c] = bias_c + Σ x_ij w_jc` of rows `i0 .. i0 + bn`, by
 * feature then row, skipping zero features (pixels, counts): each score still sums in feature order.
 */
function multinomialScores(
  cols: Float32Array,
  n: number,
  d: number,
  m: number,
  i0: number,
  bn: number,
  w: Float64Array,
  bias: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < bn; i++) for (let c = 0; c < m; c++) out[i * m + c] = bias[c];
  for (let j = 0; j < d; j++) {
    const off = j * n + i0;
    const wo = j * m;
    for (let i = 0; i < bn; i++) {
      const v = cols[off + i];
      if (v === 0) continue;
      const o = i * m;
      for (let c = 0; c < m; c++) {
        const wjc = w[wo + c];
        if (wjc !== 0) out[o + c] += wjc * v;
      }
    }
  }
}

/** Adds `Σ x_ij r_ic` over rows `i0 .. i0 + bn` to `sums[j m + c]`, skipping zero features; `acc` holds `m` partial sums. */
function multinomialGradient(
  cols: Float32Array,
  n: number,
  d: number,
  m: number,
  i0: number,
  bn: number,
  resid: Float64Array,
  sums: Float64Array,
  acc: Float64Array,
): void {
  for (let j = 0; j < d; j++) {
    const off = j * n + i0;
    acc.fill(0);
    for (let i = 0; i < bn; i++) {
      const v = cols[off + i];
      if (v === 0) continue;
      const o = i * m;
      for (let c = 0; c < m; c++) acc[c] += v * resid[o + c];
    }
    for (let c = 0; c < m; c++) sums[j * m + c] += acc[c];
  }
}

interface Solved {
  w: Float64Array;
  bias: Float64Array;
  iterations: number;
  converged: boolean;
  detail: string;
}

/** Scores `out[(i − i0) m + c] = bias_c + Σ x_ij w_jc` of sparse rows `i0 .. i0 + bn`. */
function sparseScores(
  x: CsrRows,
  m: number,
  i0: number,
  bn: number,
  w: Float64Array,
  bias: Float64Array,
  out: Float64Array,
) {
  for (let i = 0; i < bn; i++) {
    const o = i * m;
    for (let c = 0; c < m; c++) out[o + c] = bias[c];
    for (let k = x.indptr[i0 + i]; k < x.indptr[i0 + i + 1]; k++) {
      const v = x.values[k];
      const wo = x.indices[k] * m;
      for (let c = 0; c < m; c++) out[o + c] += v * w[wo + c];
    }
  }
}

/** Adds `Σ x_ij r_ic` over sparse rows `i0 .. i0 + bn` to `sums[j m + c]`. */
function sparseGradient(x: CsrRows, m: number, i0: number, bn: number, resid: Float64Array, sums: Float64Array) {
  for (let i = 0; i < bn; i++) {
    const o = i * m;
    for (let k = x.indptr[i0 + i]; k < x.indptr[i0 + i + 1]; k++) {
      const v = x.values[k];
      const so = x.indices[k] * m;
      for (let c = 0; c < m; c++) sums[so + c] += v * resid[o + c];
    }
  }
}

/**
 * One lbfgs evaluation on rows `i0 .. i0 + bn`: their scores, losses and residuals; adds the
 * gradient sums `Σ x_ij r_ic` to `sums[j m + c]` and `Σ r_ic` to `sums[d m + c]`; returns the summed loss.
 */
type BlockStep = (i0: number, bn: number, w: Float64Array, bias: Float64Array, sums: Float64Array) => number;

/** The block step of `pb`: WebAssembly for dense problems, else JavaScript loops for its layout. */
function blockStep(pb: Problem, block: number): BlockStep {
  const { cols, y, n, d, m, sparse, wasm } = pb;
  const nw = d * m;
  if (wasm) {
    return (i0, bn, w, bias, sums) => {
      wasm.computeScores(i0, bn, w, bias);
      const loss = wasm.loss(i0, bn, sums);
      wasm.gradient(i0, bn, sums);
      return loss;
    };
  }
  const scores = new Float64Array(block * m);
  const resid = new Float64Array(block * m);
  const acc = new Float64Array(m);
  const [score, gradient] = sparse
    ? [
        (i0: number, bn: number, w: Float64Array, bias: Float64Array) =>
          sparseScores(sparse, m, i0, bn, w, bias, scores),
        (i0: number, bn: number, sums: Float64Array) => sparseGradient(sparse, m, i0, bn, resid, sums),
      ]
    : m === 1
      ? [
          (i0: number, bn: number, w: Float64Array, bias: Float64Array) =>
            binaryScores(cols, n, d, i0, bn, w, bias[0], scores),
          (i0: number, bn: number, sums: Float64Array) => binaryGradient(cols, n, d, i0, bn, resid, sums),
        ]
      : [
          (i0: number, bn: number, w: Float64Array, bias: Float64Array) =>
            multinomialScores(cols, n, d, m, i0, bn, w, bias, scores),
          (i0: number, bn: number, sums: Float64Array) => multinomialGradient(cols, n, d, m, i0, bn, resid, sums, acc),
        ];
  return (i0, bn, w, bias, sums) => {
    score(i0, bn, w, bias);
    const loss = lossAndResidual(scores, y.subarray(i0, i0 + bn), bn, m, resid);
    gradient(i0, bn, sums);
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let i = 0; i < bn; i++) s += resid[i * m + c];
      sums[nw + c] += s;
    }
    return loss;
  };
}

async function solveLbfgs(pb: Problem, p: LogisticParams, tick: (i: number) => Promise<void>): Promise<Solved> {
  const { n, d, m } = pb;
  const lam = p.penalty === 'l2' ? pb.lambda : 0;
  const nw = d * m;
  const block = Math.min(n, LBFGS_BLOCK);
  const step = blockStep(pb, block);
  const sums = new Float64Array(nw + m);
  const noBias = new Float64Array(m);
  const result = await lbfgs(
    (theta, grad) => {
      const w = theta.subarray(0, nw);
      const bias = p.fitIntercept ? theta.subarray(nw) : noBias;
      sums.fill(0);
      let loss = 0;
      for (let i0 = 0; i0 < n; i0 += block) loss += step(i0, Math.min(block, n - i0), w, bias, sums);
      let f = loss / n;
      for (let j = 0; j < d; j++) {
        for (let c = 0; c < m; c++) {
          const wj = w[j * m + c];
          grad[j * m + c] = sums[j * m + c] / n + lam * wj;
          f += 0.5 * lam * wj * wj;
        }
      }
      if (p.fitIntercept) for (let c = 0; c < m; c++) grad[nw + c] = sums[nw + c] / n;
      return f;
    },
    new Float64Array(nw + (p.fitIntercept ? m : 0)),
    { maxIter: p.maxIter, gtol: p.tol, tick },
  );
  return {
    w: result.x.slice(0, nw),
    bias: p.fitIntercept ? result.x.slice(nw) : new Float64Array(m),
    iterations: result.iterations,
    converged: result.converged,
    detail: `largest gradient component ${result.gradMax.toExponential(3)} > tol ${p.tol}`,
  };
}

/**
 * Cyclic coordinate descent: per coefficient, a Newton step on the mean log loss with the L1
 * (soft threshold) or L2 penalty solved exactly, halved until the objective does not rise.
 */
async function solveCoordinate(pb: Problem, p: LogisticParams, tick: (i: number) => Promise<void>): Promise<Solved> {
  const { cols, y, n, d, m } = pb;
  const lam = p.penalty === 'none' ? 0 : pb.lambda;
  const w = new Float64Array(d * m);
  const bias = new Float64Array(m);
  let scores = new Float64Array(n * m);
  let resid = new Float64Array(n * m);
  let q = new Float64Array(n * m);
  let trial = new Float64Array(n * m);
  let trialResid = new Float64Array(n * m);
  let trialQ = new Float64Array(n * m);
  const penaltyOf = (v: number): number => (p.penalty === 'l1' ? lam * Math.abs(v) : 0.5 * lam * v * v);
  let loss = lossAndResidual(scores, y, n, m, resid, q) / n;
  let sweep = 0;
  let maxDelta = Infinity;
  const update = (j: number, c: number): number => {
    let g = 0;
    let h = 0;
    for (let i = 0; i < n; i++) {
      const xv = j < 0 ? 1 : cols[j * n + i];
      g += xv * resid[i * m + c];
      h += xv * xv * q[i * m + c];
    }
    g /= n;
    h = h / n + 1e-12;
    const old = j < 0 ? bias[c] : w[j * m + c];
    let next: number;
    if (j < 0 || p.penalty === 'none') next = old - g / h;
    else if (p.penalty === 'l1') {
      const z = old - g / h;
      next = Math.sign(z) * Math.max(Math.abs(z) - lam / h, 0);
    } else next = (h * old - g) / (h + lam);
    let delta = next - old;
    const before = loss + (j < 0 ? 0 : penaltyOf(old));
    for (let half = 0; half < 30 && delta !== 0; half++) {
      trial.set(scores);
      for (let i = 0; i < n; i++) trial[i * m + c] += delta * (j < 0 ? 1 : cols[j * n + i]);
      const trialLoss = lossAndResidual(trial, y, n, m, trialResid, trialQ) / n;
      if (trialLoss + (j < 0 ? 0 : penaltyOf(old + delta)) <= before) {
        [scores, trial] = [trial, scores];
        [resid, trialResid] = [trialResid, resid];
        [q, trialQ] = [trialQ, q];
        loss = trialLoss;
        if (j < 0) bias[c] = old + delta;
        else w[j * m + c] = old + delta;
        return Math.abs(delta);
      }
      delta *= 0.5;
    }
    return 0;
  };
  for (; sweep < p.maxIter && maxDelta > p.tol; sweep++) {
    maxDelta = 0;
    for (let c = 0; c < m; c++) {
      if (p.fitIntercept) maxDelta = Math.max(maxDelta, update(-1, c));
      for (let j = 0; j < d; j++) maxDelta = Math.max(maxDelta, update(j, c));
    }
    await tick(sweep + 1);
  }
  if (m > 1 && p.fitIntercept) {
    const mean = bias.reduce((a, c) => a + c, 0) / m;
    for (let c = 0; c < m; c++) bias[c] -= mean;
  }
  return {
    w,
    bias,
    iterations: sweep,
    converged: maxDelta <= p.tol,
    detail: `last sweep changed a coefficient by ${maxDelta.toExponential(3)} > tol ${p.tol}`,
  };
}

/** The `d × n` column-major copy of row-major `x` (into `cols` when given), row by row. */
function columnMajor(
  x: Float32Array,
  n: number,
  d: number,
  cols: Float32Array = new Float32Array(n * d),
): Float32Array {
  for (let i = 0, k = 0; i < n; i++) for (let j = 0, o = i; j < d; j++, k++, o += n) cols[o] = x[k];
  return cols;
}

/** Rows whose most probable class is their label, and the summed log loss (probabilities floored at 1e-15). */
function trainingMetrics(
  proba: Float32Array,
  y: Int32Array | Float32Array,
  n: number,
  k: number,
): { correct: number; loss: number } {
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + best]) best = c;
    if (best === y[i]) correct++;
    loss -= Math.log(Math.max(proba[i * k + y[i]], 1e-15));
  }
  return { correct, loss };
}

async function fitLogistic(data: FitData, p: LogisticParams, hooks: FitHooks): Promise<Fitted> {
  const { n, d, classes: k } = data;
  if (p.solver === 'lbfgs' && p.penalty === 'l1') {
    throw new LearnerError('solver lbfgs supports only the l2 or none penalties; set solver cd for penalty l1');
  }
  const m = k === 2 ? 1 : k;
  const block = Math.min(n, LBFGS_BLOCK);
  const wasm = p.solver === 'lbfgs' && !data.sparse ? WasmLinear.create(n, d, m, block) : undefined;
  const cols = data.sparse ? new Float32Array(0) : columnMajor(data.x, n, d, wasm?.cols);
  if (wasm) wasm.labels.set(data.y);
  const pb: Problem = {
    cols,
    ...(wasm ? { wasm } : {}),
    ...(data.sparse ? { sparse: data.sparse } : {}),
    y: data.y as Int32Array,
    n,
    d,
    m,
    lambda: 1 / (p.C * n),
  };
  await hooks.step(0, `solving (${p.solver})`);
  const tick = async (i: number): Promise<void> => {
    if (i % 10 === 0) await hooks.step(Math.min(i / p.maxIter, 1), `${p.solver} iteration ${i}`);
  };
  const s = p.solver === 'lbfgs' ? await solveLbfgs(pb, p, tick) : await solveCoordinate(pb, p, tick);
  if (!s.converged) {
    hooks.warn(
      `${p.solver} did not converge after ${s.iterations} iterations (${s.detail}); raise maxIter or standardize ` +
        'the features (prep.standardize)',
    );
  }
  const link = m === 1 ? 'sigmoid' : 'softmax';
  const predict = (x: Float32Array, rows: number): Float32Array =>
    applyLink(linearScores(x, rows, s.w, s.bias), rows, link);
  const { correct, loss: logLoss } =
    wasm && m === 1
      ? wasm.binaryMetrics(Float64Array.from(s.w, Math.fround), Math.fround(s.bias[0]))
      : trainingMetrics(
          data.sparse ? applyLink(sparseLinearScores(data.sparse, s.w, s.bias), n, link) : predict(data.x, n),
          data.y,
          n,
          k,
        );
  const accuracy = correct / n;
  let nonzero = 0;
  for (const v of s.w) if (v !== 0) nonzero++;
  return {
    onnx: linearOnnx(data.featureShape, s.w, s.bias, link),
    predict,
    text:
      `${m === 1 ? 'binary' : `multinomial (${k} classes)`} logistic regression, ${s.iterations} iterations of ${p.solver}: ` +
      `train accuracy ${accuracy.toFixed(4)}, log loss ${(logLoss / n).toFixed(4)}; ${nonzero} of ${d * m} coefficients ` +
      `non-zero; coefficients${m === 1 ? '' : ' of class 0'}: ${describeCoefficients(data.featureNames, s.w, m)}`,
    metrics: { accuracy_train: accuracy, log_loss_train: logLoss / n, iterations: s.iterations },
    history: [],
    info: {
      coefficients: Object.fromEntries(
        data.featureNames.map((f, j) => [f, Array.from(s.w.subarray(j * m, j * m + m))]),
      ),
      intercept: Array.from(s.bias),
      iterations: s.iterations,
      converged: s.converged,
    },
  };
}

export const logisticLearner: LearnerModule<LogisticParams> = {
  type: 'ml.logistic',
  tasks: ['classification'],
  wrongTask: 'ml.logistic fits class labels; for a numeric target use ml.linear',
  handlesMissing: false,
  readsSparse: (p) => p.solver === 'lbfgs',
  seedOf: () => 0,
  fit: fitLogistic,
};
