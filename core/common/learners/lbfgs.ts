/** Objective value and gradient (written into `grad`) at `x`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  /** Largest gradient component at the end. */
  gradMax: number;
}

const maxAbs = (v: Float64Array): number => v.reduce((a, c) => Math.max(a, Math.abs(c)), 0);
const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/**
 * Limited-memory BFGS (two-loop recursion, `memory` pairs) with a backtracking Armijo line search,
 * for smooth convex objectives. Stops when the largest gradient component is at most `gtol`, or
 * the relative decrease of the value falls below `ftol`, or after `maxIter` iterations. `tick` runs
 * after every iteration (progress, cancellation).
 */
export async function lbfgs(
  f: Objective,
  x0: Float64Array,
  opts: { maxIter: number; gtol: number; memory?: number; tick?: (iteration: number) => Promise<void> },
): Promise<LbfgsResult> {
  const m = opts.memory ?? 10;
  const n = x0.length;
  const ftol = 64 * Number.EPSILON;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const dir = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let iter = 0;
  let converged = maxAbs(g) <= opts.gtol;
  while (!converged && iter < opts.maxIter) {
    for (let i = 0; i < n; i++) dir[i] = -g[i];
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], dir);
      for (let i = 0; i < n; i++) dir[i] -= alpha[k] * y[k][i];
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
      for (let i = 0; i < n; i++) dir[i] *= gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) dir[i] *= scale;
    }
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k] * dot(y[k], dir);
      for (let i = 0; i < n; i++) dir[i] += s[k][i] * (alpha[k] - beta);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = -dot(g, g);
      s.length = y.length = rho.length = 0;
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * dir[i];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    iter++;
    await opts.tick?.(iter);
    if (!(fNew <= fx)) break;
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = xNew[i] - x[i];
      yk[i] = gNew[i] - g[i];
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    const decrease = (fx - fNew) / Math.max(Math.abs(fx), Math.abs(fNew), 1);
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    converged = maxAbs(g) <= opts.gtol;
    if (!converged && decrease <= ftol) {
      converged = true;
      break;
    }
  }
  return { x, value: fx, iterations: iter, converged, gradMax: maxAbs(g) };
}
