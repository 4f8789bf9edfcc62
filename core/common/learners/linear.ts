import { centeredColumns, choleskySolve, columnMeans } from './linalg';
import { applyLink, linearOnnx, linearScores } from './onnxGraph';
import { LearnerError, type FitData, type FitHooks, type Fitted, type LearnerModule } from './types';

/** Params of `ml.linear`, as in scikit-learn's LinearRegression / Ridge / Lasso / ElasticNet. */
export interface LinearParams {
  penalty: 'none' | 'l2' | 'l1' | 'elasticnet';
  alpha: number;
  l1Ratio: number;
  fitIntercept: boolean;
  maxIter: number;
  tol: number;
}

interface Solution {
  /** `d × t`, row-major. */
  w: Float64Array;
  iterations: number;
}

/** Least squares (+ ridge) through the normal equations of the centred data. */
function solveNormal(cols: Float64Array, yc: Float64Array, data: FitData, p: LinearParams, hooks: FitHooks): Solution {
  const { n, d, targetDim: t, featureNames } = data;
  const l2 = p.penalty === 'l2' ? p.alpha : 0;
  const norm = new Float64Array(d);
  for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) norm[j] += cols[j * n + i] * cols[j * n + i];
  const live: number[] = [];
  for (let j = 0; j < d; j++) {
    if (l2 > 0 || norm[j] > 0) live.push(j);
    else hooks.warn(`column ${featureNames[j]} is constant on the training rows: its coefficient is 0`);
  }
  const rank = n - (p.fitIntercept ? 1 : 0);
  if (l2 === 0 && live.length > rank) {
    throw new LearnerError(
      `ordinary least squares needs at least as many training rows as coefficients: ${live.length} features ` +
        `${p.fitIntercept ? 'and an intercept ' : ''}but ${n} rows, so the normal equations have no unique solution; ` +
        `set penalty l2 (ridge regression still fits) or select fewer features`,
    );
  }
  const q = live.length;
  const a = new Float64Array(q * q);
  const b = new Float64Array(q * t);
  for (let u = 0; u < q; u++) {
    const cu = live[u] * n;
    for (let v = 0; v <= u; v++) {
      const cv = live[v] * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += cols[cu + i] * cols[cv + i];
      a[u * q + v] = s;
      a[v * q + u] = s;
    }
    a[u * q + u] += l2;
    for (let c = 0; c < t; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += cols[cu + i] * yc[i * t + c];
      b[u * t + c] = s;
    }
  }
  const bad = choleskySolve(a, b, q, t);
  if (bad >= 0) {
    throw new LearnerError(
      `the features are collinear (column ${featureNames[live[bad]]} is a linear combination of the ones before it), ` +
        `so ordinary least squares has no unique solution; set penalty l2 (ridge) or drop that column`,
    );
  }
  const w = new Float64Array(d * t);
  live.forEach((j, u) => {
    for (let c = 0; c < t; c++) w[j * t + c] = b[u * t + c];
  });
  return { w, iterations: 1 };
}

/**
 * Lasso / elastic net by cyclic coordinate descent on scikit-learn's objective
 * `1/(2n)·‖y − Xw‖² + α·ρ·‖w‖₁ + α·(1 − ρ)/2·‖w‖²`, stopped on its duality gap (`tol · ‖y‖²`).
 */
async function solveCoordinate(
  cols: Float64Array,
  yc: Float64Array,
  data: FitData,
  p: LinearParams,
  hooks: FitHooks,
): Promise<Solution> {
  const { n, d, targetDim: t } = data;
  const rho = p.penalty === 'l1' ? 1 : p.l1Ratio;
  const l1 = p.alpha * rho * n;
  const l2 = p.alpha * (1 - rho) * n;
  const norm = new Float64Array(d);
  for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) norm[j] += cols[j * n + i] * cols[j * n + i];
  const w = new Float64Array(d * t);
  const r = new Float64Array(n);
  let worst = 0;
  for (let c = 0; c < t; c++) {
    const wc = new Float64Array(d);
    let yNorm = 0;
    for (let i = 0; i < n; i++) {
      r[i] = yc[i * t + c];
      yNorm += r[i] * r[i];
    }
    const tol = p.tol * yNorm;
    let iter = 0;
    let gap = Infinity;
    for (; iter < p.maxIter; iter++) {
      let wMax = 0;
      let dMax = 0;
      for (let j = 0; j < d; j++) {
        if (norm[j] === 0) continue;
        const col = j * n;
        const old = wc[j];
        let tmp = 0;
        for (let i = 0; i < n; i++) tmp += cols[col + i] * r[i];
        tmp += old * norm[j];
        const next = (Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0)) / (norm[j] + l2);
        if (next !== old) {
          const delta = next - old;
          for (let i = 0; i < n; i++) r[i] -= delta * cols[col + i];
          wc[j] = next;
        }
        dMax = Math.max(dMax, Math.abs(next - old));
        wMax = Math.max(wMax, Math.abs(next));
      }
      if ((iter + 1) % 100 === 0) await hooks.step((c + iter / p.maxIter) / t, `coordinate descent sweep ${iter + 1}`);
      if (wMax === 0 || dMax / wMax < p.tol || iter === p.maxIter - 1) {
        gap = dualityGap(cols, r, yc, wc, c, data, l1, l2);
        if (gap < tol) {
          iter++;
          break;
        }
      }
    }
    if (gap >= tol) {
      hooks.warn(
        `coordinate descent did not converge after ${p.maxIter} iterations (duality gap ${gap.toExponential(3)} > ` +
          `${tol.toExponential(3)}); raise maxIter or standardize the features (prep.standardize)`,
      );
    }
    worst = Math.max(worst, iter);
    for (let j = 0; j < d; j++) w[j * t + c] = wc[j];
  }
  return { w, iterations: worst };
}

function dualityGap(
  cols: Float64Array,
  r: Float64Array,
  yc: Float64Array,
  w: Float64Array,
  c: number,
  data: FitData,
  l1: number,
  l2: number,
): number {
  const { n, d, targetDim: t } = data;
  let dual = 0;
  let wNorm = 0;
  let l1Norm = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += cols[j * n + i] * r[i];
    dual = Math.max(dual, Math.abs(s - l2 * w[j]));
    wNorm += w[j] * w[j];
    l1Norm += Math.abs(w[j]);
  }
  let rNorm = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rNorm += r[i] * r[i];
    ry += r[i] * yc[i * t + c];
  }
  let k = 1;
  let gap = rNorm;
  if (dual > l1) {
    k = l1 / dual;
    gap = 0.5 * (rNorm + rNorm * k * k);
  }
  return gap + l1 * l1Norm - k * ry + 0.5 * l2 * (1 + k * k) * wNorm;
}

function r2(data: FitData, pred: Float32Array): number {
  const { n, targetDim: t, y } = data;
  let total = 0;
  for (let c = 0; c < t; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i * t + c];
    mean /= n;
    let ssr = 0;
    let sst = 0;
    for (let i = 0; i < n; i++) {
      ssr += (y[i * t + c] - pred[i * t + c]) ** 2;
      sst += (y[i * t + c] - mean) ** 2;
    }
    total += sst > 0 ? 1 - ssr / sst : 0;
  }
  return total / t;
}

/** Coefficients by feature for the summary, largest magnitude first. */
export function describeCoefficients(names: readonly string[], w: Float64Array, m: number, shown = 6): string {
  const rows = names.map((name, j) => ({ name, v: w[j * m] }));
  rows.sort((a, b) => Math.abs(b.v) - Math.abs(a.v));
  return rows
    .slice(0, shown)
    .map((r) => `${r.name} ${r.v.toPrecision(4)}`)
    .join(', ');
}

async function fitLinear(data: FitData, p: LinearParams, hooks: FitHooks): Promise<Fitted> {
  const { n, d, targetDim: t } = data;
  const xMean = p.fitIntercept ? columnMeans(data.x, n, d) : new Float64Array(d);
  const yMean = p.fitIntercept ? columnMeans(data.y, n, t) : new Float64Array(t);
  const cols = centeredColumns(data.x, n, d, xMean);
  const yc = new Float64Array(n * t);
  for (let i = 0; i < n; i++) for (let c = 0; c < t; c++) yc[i * t + c] = data.y[i * t + c] - yMean[c];
  await hooks.step(0, 'solving');
  const sol =
    p.penalty === 'l1' || p.penalty === 'elasticnet'
      ? await solveCoordinate(cols, yc, data, p, hooks)
      : solveNormal(cols, yc, data, p, hooks);
  const bias = new Float64Array(t);
  for (let c = 0; c < t; c++) {
    let s = yMean[c];
    for (let j = 0; j < d; j++) s -= xMean[j] * sol.w[j * t + c];
    bias[c] = s;
  }
  const predict = (x: Float32Array, rows: number): Float32Array =>
    applyLink(linearScores(x, rows, sol.w, bias), rows, 'identity');
  const fitR2 = r2(data, predict(data.x, n));
  let nonzero = 0;
  for (const v of sol.w) if (v !== 0) nonzero++;
  const kind = { none: 'least squares', l2: 'ridge', l1: 'lasso', elasticnet: 'elastic net' }[p.penalty];
  return {
    onnx: linearOnnx(data.featureShape, sol.w, bias, 'identity'),
    predict,
    text:
      `${kind} on ${n} rows: train R² ${fitR2.toFixed(4)}; ${nonzero} of ${d * t} coefficients non-zero; ` +
      `coefficients: ${describeCoefficients(data.featureNames, sol.w, t)}`,
    metrics: { r2_train: fitR2, nonzero_coefficients: nonzero },
    history: [],
    info: {
      coefficients: Object.fromEntries(
        data.featureNames.map((f, j) => [f, Array.from(sol.w.subarray(j * t, j * t + t))]),
      ),
      intercept: Array.from(bias),
      iterations: sol.iterations,
    },
  };
}

export const linearLearner: LearnerModule<LinearParams> = {
  type: 'ml.linear',
  tasks: ['regression'],
  wrongTask: 'ml.linear fits regression targets; for class labels use ml.logistic',
  handlesMissing: false,
  seedOf: () => 0,
  fit: fitLinear,
};
