import { GraphBuilder, type T } from '../model/graph/GraphBuilder';
import { float64Input } from './float64Input';
import { COUPLING_RIDGE } from './platt';
import type { SvcModel } from './svm';
import type { SvrModel } from './svr';

/** Kernel values `[batch, nSV]` of the input rows against the support vectors. */
function kernelValues(b: GraphBuilder, x: T, m: Pick<SvcModel, 'sv' | 'd' | 'kernel'>): T {
  const { sv, d } = m;
  const n = sv.n;
  const svT = new Float64Array(d * n);
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) svT[j * n + s] = sv.x[s * d + j];
  const dot = b.op('MatMul', [x, b.initializer('support_vectors_t', [d, n], svT, 'float64')], ['batch', n]);
  const { kind, gamma, coef0, degree } = m.kernel;
  if (kind === 'linear') return dot;
  if (kind === 'poly') {
    const base = b.op('Add', [b.op('Mul', [dot, b.constF(gamma)], ['batch', n]), b.constF(coef0)], ['batch', n]);
    return b.op('Pow', [base, b.constF(degree)], ['batch', n]);
  }
  const xx = b.op('ReduceSumSquare', [x], ['batch', 1], { axes: { ints: [1] }, keepdims: { i: 1 } });
  const norms = b.initializer('support_norms', [n], sv.norms, 'float64');
  const sq = b.op(
    'Sub',
    [b.op('Add', [xx, norms], ['batch', n]), b.op('Mul', [dot, b.constF(2)], ['batch', n])],
    ['batch', n],
  );
  return b.op('Exp', [b.op('Mul', [sq, b.constF(-gamma)], ['batch', n])], ['batch', n]);
}

/** One-vs-one decision values `[batch, pairs]`: `K · W − ρ`, W holding each pair's `αᵢyᵢ` (0 elsewhere). */
function decisions(b: GraphBuilder, kv: T, m: SvcModel): T {
  const { k } = m;
  const n = m.sv.n;
  const pairs = (k * (k - 1)) / 2;
  const w = new Float64Array(n * pairs);
  const starts: number[] = [];
  let start = 0;
  for (let c = 0; c < k; c++) {
    starts.push(start);
    start += m.perClass[c];
  }
  let pair = 0;
  for (let a = 0; a < k; a++) {
    for (let c = a + 1; c < k; c++) {
      for (let s = starts[a]; s < starts[a] + m.perClass[a]; s++) w[s * pairs + pair] = m.coef[(c - 1) * n + s];
      for (let s = starts[c]; s < starts[c] + m.perClass[c]; s++) w[s * pairs + pair] = m.coef[a * n + s];
      pair++;
    }
  }
  const scores = b.op('MatMul', [kv, b.initializer('dual_coef', [n, pairs], w, 'float64')], ['batch', pairs]);
  return b.op('Sub', [scores, b.initializer('rho', [pairs], m.rho, 'float64')], ['batch', pairs]);
}

/** `[pairs, cols]` 0/1 matrix with a 1 at `(pair, at(a, b))` for each pair (a, b), a < b. */
function pairMatrix(k: number, cols: number, at: (a: number, b: number) => number): Float64Array {
  const pairs = (k * (k - 1)) / 2;
  const out = new Float64Array(pairs * cols);
  let pair = 0;
  for (let a = 0; a < k; a++) for (let c = a + 1; c < k; c++) out[pair++ * cols + at(a, c)] = 1;
  return out;
}

/** Pairwise coupling as `coupleProbabilities`: Gauss–Jordan on `(Q + εI) z = e` per row, then `z / Σz`. */
function couple(b: GraphBuilder, r: T, k: number): T {
  const pairs = (k * (k - 1)) / 2;
  const upper = b.initializer(
    'pair_upper',
    [pairs, k * k],
    pairMatrix(k, k * k, (a, c) => a * k + c),
    'float64',
  );
  const lower = b.initializer(
    'pair_lower',
    [pairs, k * k],
    pairMatrix(k, k * k, (a, c) => c * k + a),
    'float64',
  );
  const rest = b.op('Sub', [b.constF(1), r], ['batch', pairs]);
  const flat = b.op(
    'Add',
    [b.op('MatMul', [r, upper], ['batch', k * k]), b.op('MatMul', [rest, lower], ['batch', k * k])],
    ['batch', k * k],
  );
  const R = b.op('Reshape', [flat, b.constI64([-1, k, k])], ['batch', k, k]);
  const diag = b.op('ReduceSum', [b.op('Mul', [R, R], ['batch', k, k]), b.constI64([1])], ['batch', 1, k], {
    keepdims: { i: 1 },
  });
  const eye = new Float64Array(k * k);
  for (let t = 0; t < k; t++) eye[t * k + t] = 1;
  const I = b.initializer('eye', [k, k], eye, 'float64');
  const cross = b.op(
    'Mul',
    [R, b.op('Transpose', [R], ['batch', k, k], { perm: { ints: [0, 2, 1] } })],
    ['batch', k, k],
  );
  const diagM = b.op('Mul', [b.op('Add', [diag, b.constF(COUPLING_RIDGE)], ['batch', 1, k]), I], ['batch', k, k]);
  let Q = b.op('Sub', [diagM, cross], ['batch', k, k]);
  const column0 = b.op('Slice', [Q, b.constI64([0]), b.constI64([1]), b.constI64([2])], ['batch', k, 1]);
  let z = b.op('Add', [b.op('Mul', [column0, b.constF(0)], ['batch', k, 1]), b.constF(1)], ['batch', k, 1]);
  for (let t = 0; t < k; t++) {
    const row = b.op('Slice', [Q, b.constI64([t]), b.constI64([t + 1]), b.constI64([1])], ['batch', 1, k]);
    const col = b.op('Slice', [Q, b.constI64([t]), b.constI64([t + 1]), b.constI64([2])], ['batch', k, 1]);
    const piv = b.op('Slice', [row, b.constI64([t]), b.constI64([t + 1]), b.constI64([2])], ['batch', 1, 1]);
    const rowT = b.op('Div', [row, piv], ['batch', 1, k]);
    const zt = b.op('Slice', [z, b.constI64([t]), b.constI64([t + 1]), b.constI64([1])], ['batch', 1, 1]);
    const rhsT = b.op('Div', [zt, piv], ['batch', 1, 1]);
    const unit = new Float64Array(k);
    unit[t] = 1;
    const f = b.op('Sub', [col, b.initializer(`unit_${t}`, [k, 1], unit, 'float64')], ['batch', k, 1]);
    Q = b.op('Sub', [Q, b.op('Mul', [f, rowT], ['batch', k, k])], ['batch', k, k]);
    z = b.op('Sub', [z, b.op('Mul', [f, rhsT], ['batch', k, 1])], ['batch', k, 1]);
  }
  const zk = b.op('Reshape', [z, b.constI64([-1, k])], ['batch', k]);
  const total = b.op('ReduceSum', [zk, b.constI64([1])], ['batch', 1], { keepdims: { i: 1 } });
  return b.op('Div', [zk, total], ['batch', k]);
}

/** scikit-learn's one-vs-rest transform of one-vs-one decisions, softmaxed: votes + confidences / (3 (|confidences| + 1)). */
function ovrSoftmax(b: GraphBuilder, dec: T, k: number): T {
  const pairs = (k * (k - 1)) / 2;
  const first = b.initializer(
    'pair_first',
    [pairs, k],
    pairMatrix(k, k, (a) => a),
    'float64',
  );
  const second = b.initializer(
    'pair_second',
    [pairs, k],
    pairMatrix(k, k, (_, c) => c),
    'float64',
  );
  const ge = b.opNoGrad('GreaterOrEqual', [dec, b.constF(0)], ['batch', pairs], {}, 'bool');
  const won = b.op('Cast', [ge], ['batch', pairs], { to: { i: 11 } }, 'float64');
  const lost = b.op('Sub', [b.constF(1), won], ['batch', pairs]);
  const votes = b.op(
    'Add',
    [b.op('MatMul', [won, first], ['batch', k]), b.op('MatMul', [lost, second], ['batch', k])],
    ['batch', k],
  );
  const conf = b.op(
    'Sub',
    [b.op('MatMul', [dec, first], ['batch', k]), b.op('MatMul', [dec, second], ['batch', k])],
    ['batch', k],
  );
  const scale = b.op(
    'Mul',
    [b.op('Add', [b.op('Abs', [conf], ['batch', k]), b.constF(1)], ['batch', k]), b.constF(3)],
    ['batch', k],
  );
  const ovr = b.op('Add', [votes, b.op('Div', [conf, scale], ['batch', k])], ['batch', k]);
  return b.op('Softmax', [ovr], ['batch', k], { axis: { i: 1 } });
}

/**
 * The model as ONNX in float64 standard operators: kernel values against the support vectors
 * (MatMul), one-vs-one decisions (MatMul with the dual coefficients), then Platt sigmoids and
 * pairwise coupling (probability on), a sigmoid of the decision (two classes), or a softmax of the
 * one-vs-rest decision function.
 */
export function svmOnnx(m: SvcModel, featureShape: readonly number[]): Uint8Array {
  const b = new GraphBuilder('float64');
  const x = float64Input(b, featureShape);
  const { k } = m;
  const pairs = (k * (k - 1)) / 2;
  const dec = decisions(b, kernelValues(b, x, m), m);
  let out: T;
  if (m.platt) {
    const A = b.initializer(
      'prob_a',
      [pairs],
      Float64Array.from(m.platt, (s) => s.A),
      'float64',
    );
    const B = b.initializer(
      'prob_b',
      [pairs],
      Float64Array.from(m.platt, (s) => s.B),
      'float64',
    );
    const z = b.op('Add', [b.op('Mul', [dec, A], ['batch', pairs]), B], ['batch', pairs]);
    const r = b.op(
      'Clip',
      [b.op('Sigmoid', [b.op('Neg', [z], ['batch', pairs])], ['batch', pairs]), b.constF(1e-7), b.constF(1 - 1e-7)],
      ['batch', pairs],
    );
    out =
      k === 2
        ? b.op('Concat', [r, b.op('Sub', [b.constF(1), r], ['batch', 1])], ['batch', 2], { axis: { i: 1 } })
        : couple(b, r, k);
  } else if (k === 2) {
    const p0 = b.op('Sigmoid', [dec], ['batch', 1]);
    out = b.op('Concat', [p0, b.op('Sub', [b.constF(1), p0], ['batch', 1])], ['batch', 2], { axis: { i: 1 } });
  } else out = ovrSoftmax(b, dec, k);
  b.output(b.op('Cast', [out], ['batch', k], { to: { i: 1 } }, 'float32'), 'output');
  return b.encode();
}

/** An ε-SVR as ONNX in float64 standard operators: `K · coef − ρ` → `[batch, 1]`. */
export function svrOnnx(m: SvrModel, featureShape: readonly number[]): Uint8Array {
  const b = new GraphBuilder('float64');
  const x = float64Input(b, featureShape);
  const kv = kernelValues(b, x, m);
  const w = b.initializer('dual_coef', [m.sv.n, 1], m.coef, 'float64');
  const y = b.op('Sub', [b.op('MatMul', [kv, w], ['batch', 1]), b.constF(m.rho)], ['batch', 1]);
  b.output(b.op('Cast', [y], ['batch', 1], { to: { i: 1 } }, 'float32'), 'output');
  return b.encode();
}
