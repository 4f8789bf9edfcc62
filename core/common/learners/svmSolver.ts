import type { CsrRows } from '../sparse';
import { WasmKernelColumns } from './svmWasm';

/** A kernel as libsvm defines it: linear `u·v`, rbf `exp(−γ‖u − v‖²)`, poly `(γ u·v + coef0)^degree`. */
export interface Kernel {
  kind: 'linear' | 'rbf' | 'poly';
  gamma: number;
  coef0: number;
  degree: number;
}

/** Kernel value from a dot product and the two squared norms. */
export function kernelOf(k: Kernel, dot: number, uu: number, vv: number): number {
  if (k.kind === 'linear') return dot;
  if (k.kind === 'rbf') return Math.exp(-k.gamma * (uu + vv - 2 * dot));
  return (k.gamma * dot + k.coef0) ** k.degree;
}

/** Rows (row-major `n × d`, float64) with their squared norms, for kernel evaluations. */
export interface Rows {
  /** Empty when `sparse` is set. */
  x: Float64Array;
  norms: Float64Array;
  n: number;
  d: number;
  /** The rows in CSR form instead of `x` (TF-IDF features, linear kernel). */
  sparse?: CsrRows;
}

/** Sparse rows with their squared norms. */
export function sparseRowsOf(m: CsrRows): Rows {
  const norms = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let k = m.indptr[i]; k < m.indptr[i + 1]; k++) s += m.values[k] * m.values[k];
    norms[i] = s;
  }
  return { x: new Float64Array(0), norms, n: m.rows, d: m.cols, sparse: m };
}

/** The dot product of rows `r` and `s`. */
export function dotRows(rows: Rows, r: number, s: number): number {
  const m = rows.sparse;
  if (!m) {
    const { x, d } = rows;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += x[r * d + j] * x[s * d + j];
    return dot;
  }
  let a = m.indptr[r];
  let b = m.indptr[s];
  const ae = m.indptr[r + 1];
  const be = m.indptr[s + 1];
  let dot = 0;
  while (a < ae && b < be) {
    const ja = m.indices[a];
    const jb = m.indices[b];
    if (ja === jb) dot += m.values[a++] * m.values[b++];
    else if (ja < jb) a++;
    else b++;
  }
  return dot;
}

/** `fillColumn` for sparse rows: row `r` is scattered once into `dense`, then each row's stored entries are read. */
function fillSparseColumn(k: Kernel, rows: Rows, r: number, index: Int32Array, out: Float64Array, dense: Float64Array) {
  const m = rows.sparse!;
  for (let t = m.indptr[r]; t < m.indptr[r + 1]; t++) dense[m.indices[t]] = m.values[t];
  for (let t = 0; t < index.length; t++) {
    const s = index[t];
    let dot = 0;
    for (let u = m.indptr[s]; u < m.indptr[s + 1]; u++) dot += m.values[u] * dense[m.indices[u]];
    out[t] = kernelOf(k, dot, rows.norms[r], rows.norms[s]);
  }
  for (let t = m.indptr[r]; t < m.indptr[r + 1]; t++) dense[m.indices[t]] = 0;
}

export function rowsOf(x: ArrayLike<number>, n: number, d: number): Rows {
  const rx = Float64Array.from(x);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += rx[i * d + j] * rx[i * d + j];
    norms[i] = s;
  }
  return { x: rx, norms, n, d };
}

/** One binary C-SVC problem: rows of `rows` picked by `index`, labels ±1. */
export interface BinaryProblem {
  rows: Rows;
  index: Int32Array;
  y: Int8Array;
  /** The linear term of the dual (`−1` per row for classification; `ε ∓ target` for regression). */
  p?: Float64Array;
  C: number;
  kernel: Kernel;
  tol: number;
  /** Iteration limit; libsvm's own cap (max(10⁷, 100 l)) when -1. */
  maxIter: number;
  /** Kernel column cache in bytes (scikit-learn cache_size, 200 MB). */
  cacheBytes: number;
}

export interface BinarySolution {
  /** `αᵢ yᵢ` per problem row (0 for non-support vectors). */
  coef: Float64Array;
  rho: number;
  iterations: number;
  converged: boolean;
  /** Decision values `Σ_s coef_s K(x_s, x_t) − rho` of the problem's rows, from the final gradient. */
  decisions: Float64Array;
}

const TAU = 1e-12;

/** `out[t] = K(x_r, x_index[t])` for every t, one loop per kernel kind. */
export function fillColumn(
  k: Kernel,
  x: Float64Array,
  norms: Float64Array,
  d: number,
  r: number,
  index: Int32Array,
  out: Float64Array,
): void {
  const ro = r * d;
  const nr = norms[r];
  const l = index.length;
  for (let t = 0; t < l; t++) {
    const to = index[t] * d;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += x[ro + j] * x[to + j];
    out[t] = dot;
  }
  if (k.kind === 'rbf') {
    const g = -k.gamma;
    for (let t = 0; t < l; t++) out[t] = Math.exp(g * (nr + norms[index[t]] - 2 * out[t]));
  } else if (k.kind === 'poly') {
    for (let t = 0; t < l; t++) out[t] = (k.gamma * out[t] + k.coef0) ** k.degree;
  }
}

/** Columns allocated together, so that filling the cache does not allocate one array per column. */
const SLAB_COLUMNS = 64;

/** Kernel columns of a problem, computed on demand and kept in a least-recently-used cache. */
class Columns {
  private readonly cache = new Map<number, Float64Array>();
  private readonly capacity: number;
  private dense: Float64Array | undefined;
  private readonly wasm: WasmKernelColumns | undefined;
  private slab = new Float64Array(0);
  private slabColumns = 0;
  private slabUsed = 0;
  /** Columns held in the WebAssembly memory (filled in place), 0 when the cache is JavaScript arrays. */
  private inWasm: number;
  private made = 0;
  readonly diag: Float64Array;

  constructor(private readonly pb: BinaryProblem) {
    const l = pb.index.length;
    this.capacity = Math.max(2, Math.floor(pb.cacheBytes / (8 * l)));
    this.inWasm = Math.min(this.capacity, l);
    this.wasm = WasmKernelColumns.create(pb.rows, pb.index, pb.kernel, this.inWasm);
    if (!this.wasm) {
      this.inWasm = 0;
      this.wasm = WasmKernelColumns.create(pb.rows, pb.index, pb.kernel);
    }
    this.diag = new Float64Array(l);
    const { norms } = pb.rows;
    for (let t = 0; t < l; t++) {
      const r = pb.index[t];
      this.diag[t] = kernelOf(pb.kernel, dotRows(pb.rows, r, r), norms[r], norms[r]);
    }
  }

  /** A new column: in the WebAssembly memory, else a view of the current slab of columns (a new slab of up to 64 when it is full). */
  private fresh(): Float64Array {
    if (this.wasm && this.made < this.inWasm) return this.wasm.cacheColumn(this.made++);
    const l = this.pb.index.length;
    if (this.slabUsed === this.slabColumns) {
      this.slabColumns = Math.min(SLAB_COLUMNS, this.capacity - this.cache.size);
      this.slab = new Float64Array(this.slabColumns * l);
      this.slabUsed = 0;
    }
    return this.slab.subarray(l * this.slabUsed, l * ++this.slabUsed);
  }

  get(i: number): Float64Array {
    const hit = this.cache.get(i);
    if (hit) {
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    const { index, kernel } = this.pb;
    const { x, norms, d } = this.pb.rows;
    let col: Float64Array;
    if (this.cache.size >= this.capacity) {
      const oldest = this.cache.keys().next().value as number;
      col = this.cache.get(oldest)!;
      this.cache.delete(oldest);
    } else col = this.fresh();
    if (this.wasm) this.wasm.fill(i, col);
    else if (this.pb.rows.sparse) {
      this.dense ??= new Float64Array(d);
      fillSparseColumn(kernel, this.pb.rows, index[i], index, col, this.dense);
    } else fillColumn(kernel, x, norms, d, index[i], index, col);
    this.cache.set(i, col);
    return col;
  }
}

/**
 * Solves the dual `min ½ αᵀQα + pᵀα, 0 ≤ α ≤ C, yᵀα = 0` (C-SVC: p = −e; ε-SVR over doubled rows) by SMO with libsvm's second-order
 * working set selection (Fan, Chen and Lin 2005), without shrinking; stops when the maximal
 * violation `m(α) − M(α)` is below `tol`. `rho` as libsvm's calculate_rho.
 */
export function solveBinary(pb: BinaryProblem): BinarySolution {
  const l = pb.index.length;
  const { y, C } = pb;
  const cols = new Columns(pb);
  const QD = cols.diag;
  const alpha = new Float64Array(l);
  const G = pb.p ? Float64Array.from(pb.p) : new Float64Array(l).fill(-1);
  const yG = Float64Array.from(G, (g, t) => y[t] * g);
  const inUp = new Uint8Array(l);
  const inLow = new Uint8Array(l);
  const status = (t: number): void => {
    inUp[t] = (y[t] === 1 ? alpha[t] < C : alpha[t] > 0) ? 1 : 0;
    inLow[t] = (y[t] === 1 ? alpha[t] > 0 : alpha[t] < C) ? 1 : 0;
  };
  for (let t = 0; t < l; t++) status(t);
  const upper = (t: number) => alpha[t] >= C;
  const lower = (t: number) => alpha[t] <= 0;
  const cap = pb.maxIter < 0 ? Math.max(10_000_000, l > 21_474_836 ? 2_147_483_647 : 100 * l) : pb.maxIter;
  let iter = 0;
  let converged = false;
  let gmax = -Infinity;
  let i = -1;
  for (let t = 0; t < l; t++) {
    if (inUp[t] && -yG[t] >= gmax) {
      gmax = -yG[t];
      i = t;
    }
  }
  while (iter < cap) {
    if (i < 0) {
      converged = true;
      break;
    }
    let gmax2 = -Infinity;
    let j = -1;
    let objMin = Infinity;
    const Ki = cols.get(i);
    const QDi = QD[i];
    for (let t = 0; t < l; t++) {
      if (!inLow[t]) continue;
      const v = yG[t];
      const diff = gmax + v;
      if (v >= gmax2) gmax2 = v;
      if (diff > 0) {
        const quad = QDi + QD[t] - 2 * Ki[t];
        const obj = -(diff * diff) / (quad > 0 ? quad : TAU);
        if (obj <= objMin) {
          j = t;
          objMin = obj;
        }
      }
    }
    if (gmax + gmax2 < pb.tol || j === -1) {
      converged = true;
      break;
    }
    iter++;
    const Kj = cols.get(j);
    const Kij = Ki[j];
    const oldI = alpha[i];
    const oldJ = alpha[j];
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] - 2 * Kij;
      if (quad <= 0) quad = TAU;
      const delta = (-y[i] * yG[i] - y[j] * yG[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = C - diff;
        }
      } else if (alpha[j] > C) {
        alpha[j] = C;
        alpha[i] = C + diff;
      }
    } else {
      let quad = QD[i] + QD[j] - 2 * Kij;
      if (quad <= 0) quad = TAU;
      const delta = (y[i] * yG[i] - y[j] * yG[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = sum - C;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > C) {
        if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = sum - C;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    const dI = (alpha[i] - oldI) * y[i];
    const dJ = (alpha[j] - oldJ) * y[j];
    status(i);
    status(j);
    gmax = -Infinity;
    i = -1;
    for (let t = 0; t < l; t++) {
      const v = yG[t] + (Ki[t] * dI + Kj[t] * dJ);
      yG[t] = v;
      if (inUp[t] && -v >= gmax) {
        gmax = -v;
        i = t;
      }
    }
  }
  for (let t = 0; t < l; t++) G[t] = y[t] * yG[t];
  let free = 0;
  let sumFree = 0;
  let ub = Infinity;
  let lb = -Infinity;
  for (let t = 0; t < l; t++) {
    const yG = y[t] * G[t];
    if (upper(t)) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(t)) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      free++;
      sumFree += yG;
    }
  }
  const rho = free > 0 ? sumFree / free : (ub + lb) / 2;
  const coef = new Float64Array(l);
  for (let t = 0; t < l; t++) coef[t] = alpha[t] * y[t];
  const decisions = new Float64Array(l);
  for (let t = 0; t < l; t++) decisions[t] = y[t] * (G[t] - (pb.p ? pb.p[t] : -1)) - rho;
  return { coef, rho, iterations: iter, converged, decisions };
}
