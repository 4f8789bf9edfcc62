import { svrOnnx } from './svmOnnx';
import { kernelOf, rowsOf, solveBinary, type Kernel, type Rows } from './svmSolver';
import type { SvmParams } from './svm';
import { LearnerError, type FitData, type FitHooks, type Fitted } from './types';

/** A fitted ε-SVR: `f(x) = Σ coefᵢ K(svᵢ, x) − ρ`, parameters as float32 values (as exported). */
export interface SvrModel {
  d: number;
  kernel: Kernel;
  sv: Rows;
  coef: Float64Array;
  rho: number;
}

export function predictSvr(m: SvrModel, x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  const { sv, d } = m;
  for (let i = 0; i < n; i++) {
    let qq = 0;
    for (let j = 0; j < d; j++) qq += x[i * d + j] * x[i * d + j];
    let s = 0;
    for (let t = 0; t < sv.n; t++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += x[i * d + j] * sv.x[t * d + j];
      s += m.coef[t] * kernelOf(m.kernel, dot, qq, sv.norms[t]);
    }
    out[i] = s - m.rho;
  }
  return out;
}

/**
 * ε-support vector regression as libsvm's EPSILON_SVR: the dual over doubled rows (`α` with label
 * +1 and linear term `ε − y`, `α*` with −1 and `ε + y`), solved by the same SMO.
 */
export async function fitSvr(data: FitData, p: SvmParams, kernel: Kernel, hooks: FitHooks): Promise<Fitted> {
  const { n, d } = data;
  if (data.targetDim !== 1) {
    throw new LearnerError(`ml.svm fits one target; this dataset has ${data.targetDim}: use ml.linear or ml.forest`);
  }
  await hooks.step(0, 'solving the ε-SVR dual');
  const rows = rowsOf(data.x, n, d);
  const index = new Int32Array(2 * n);
  const y = new Int8Array(2 * n);
  const lin = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    index[i] = i;
    index[n + i] = i;
    y[i] = 1;
    y[n + i] = -1;
    lin[i] = p.epsilon - data.y[i];
    lin[n + i] = p.epsilon + data.y[i];
  }
  const sol = solveBinary({
    rows,
    index,
    y,
    p: lin,
    C: p.C,
    kernel,
    tol: p.tol,
    maxIter: p.maxIter,
    cacheBytes: p.cacheSize * 1024 * 1024,
  });
  if (!sol.converged) {
    hooks.warn(
      `the solver did not converge after ${sol.iterations} iterations (ConvergenceWarning); raise maxIter (-1: no limit) ` +
        'or standardize the features (prep.standardize)',
    );
  }
  const svRows: number[] = [];
  const coef: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = sol.coef[i] + sol.coef[n + i];
    if (c === 0) continue;
    svRows.push(i);
    coef.push(Math.fround(c));
  }
  const svX = new Float64Array(svRows.length * d);
  svRows.forEach((r, s) => svX.set(rows.x.subarray(r * d, r * d + d), s * d));
  const f32 = Math.fround;
  const model: SvrModel = {
    d,
    kernel: { ...kernel, gamma: f32(kernel.gamma), coef0: f32(kernel.coef0) },
    sv: rowsOf(svX, svRows.length, d),
    coef: Float64Array.from(coef),
    rho: f32(sol.rho),
  };
  const predict = (x: Float32Array, rowsN: number): Float32Array => predictSvr(model, x, rowsN);
  const fit = predict(data.x, n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += data.y[i] / n;
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    ssr += (data.y[i] - fit[i]) ** 2;
    sst += (data.y[i] - mean) ** 2;
  }
  const r2 = 1 - ssr / sst;
  return {
    onnx: svrOnnx(model, data.featureShape),
    predict,
    text:
      `ε-SVR (${p.kernel} kernel${p.kernel === 'linear' ? '' : `, gamma ${kernel.gamma.toPrecision(4)}`}, C ${p.C}, ` +
      `epsilon ${p.epsilon}), ${svRows.length} support vectors, ${sol.iterations} SMO iterations; train R² ${r2.toFixed(4)}`,
    metrics: { r2_train: r2, support_vectors: svRows.length, iterations: sol.iterations },
    history: [],
    info: {
      gamma: kernel.gamma,
      supportVectors: svRows.length,
      intercept: [-sol.rho],
      iterations: sol.iterations,
      converged: sol.converged,
    },
  };
}
