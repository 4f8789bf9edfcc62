import type { DataType } from '../../model/onnx/encodeModel';
import type { GraphBuilder, SShape, T } from '../../model/graph/GraphBuilder';
import { add, mul, reduceSum, reshape, split, sub, unary } from '../../model/graph/ops';
import { zerosLike } from '../../model/graph/rules/Rule';
import type { Lookup } from './embedding';

/** What the backward through time reads of one forward step. */
interface Cell {
  i: T;
  f?: T;
  g: T;
  o: T;
  /** tanh of the new cell state. */
  tc: T;
  /** i ⊙ g, f ⊙ c before the step, o ⊙ tc: the products the forward makes, reused by the backward. */
  ig: T;
  fc?: T;
  oTc: T;
  hPrev?: T;
  mask?: T;
}

/** The new state where the step is a real token (`m` 1), the previous one (0 before the first) at padding. */
const keep = (b: GraphBuilder, m: T | undefined, next: T, prev: T | undefined): T =>
  !m ? next : prev ? add(b, prev, mul(b, m, sub(b, next, prev))) : mul(b, m, next);

const sum = (b: GraphBuilder, xs: readonly (T | undefined)[]): T | undefined =>
  xs.reduce<T | undefined>((s, x) => (!x ? s : s ? add(b, s, x) : x), undefined);

/** p − p ⊙ q = p ⊙ (1 − q). */
const less = (b: GraphBuilder, p: T, q: T): T => sub(b, p, mul(b, p, q));

/** y · s · (1 − s): the gradient through a sigmoid whose output is `s`. */
const throughSigmoid = (b: GraphBuilder, dy: T, s: T): T => mul(b, dy, mul(b, s, sub(b, b.constF(1), s)));

/** `x` `[batch, steps, F]` as rows `[batch·steps, F]`. */
const rows = (b: GraphBuilder, x: T): T => reshape(b, x, ['batch', x.shape[2]]);

/** A constant filled with `value` of the run-time shape `dims` (int64 `[rank]`). */
function filled(b: GraphBuilder, dims: T, shape: SShape, dtype: DataType, value: number): T {
  const data =
    dtype === 'int64'
      ? BigInt64Array.of(BigInt(value))
      : dtype === 'float64'
        ? Float64Array.of(value)
        : Float32Array.of(value);
  return b.opNoGrad('ConstantOfShape', [dims], shape, { value: { t: { name: 'v', dtype, dims: [1], data } } }, dtype);
}

/**
 * The distinct token ids of an embedding lookup, and where each (batch, step) row's id is among them.
 * The count of distinct ids is known at run time only: its dimension is carried as the symbolic one.
 */
interface Distinct {
  table: T;
  /** The distinct ids, ascending `[distinct]`. */
  ids: T;
  /** For each row of (batch, step), the position of its id in `ids` `[batch·steps]`. */
  inverse: T;
  /** The table rows of `ids` `[distinct, dim]`. */
  rows: T;
}

/**
 * The distinct ids of `lookup` without a sort: a presence vector over the vocabulary (ScatterElements
 * of ones), its exclusive running sum (each present id's position among them) and NonZero. The ids
 * may repeat freely; ids outside the table fail in ScatterElements as they do in the Embedding's Gather.
 */
function distinctIds(b: GraphBuilder, { table, ids }: Lookup): Distinct {
  const vocab = table.shape[0] as number;
  const flat = reshape(b, ids, ['batch']);
  const ones = filled(b, b.opNoGrad('Shape', [flat], [1], {}, 'int64'), ['batch'], 'int64', 1);
  const present = b.opNoGrad(
    'ScatterElements',
    [filled(b, b.constI64([vocab]), [vocab], 'int64', 0), flat, ones],
    [vocab],
    {},
    'int64',
  );
  const rank = b.opNoGrad('CumSum', [present, b.constI64(0)], [vocab], { exclusive: { i: 1 } }, 'int64');
  const inverse = b.opNoGrad('Gather', [rank, flat], ['batch'], { axis: { i: 0 } }, 'int64');
  const distinct = reshape(b, b.opNoGrad('NonZero', [present], [1, 'batch'], {}, 'int64'), ['batch']);
  const rows = b.op('Gather', [table, distinct], ['batch', table.shape[1]], { axis: { i: 0 } });
  return { table, ids: distinct, inverse, rows };
}

/**
 * The input product with the bias over all (batch, step) rows `[batch·steps, w]`: from `x`'s rows, or
 * from an embedding lookup over its distinct ids only, gathered back to the rows (the bench's 4,096
 * uniform ids below 5,000 hold about 2,800 distinct ones; real text far fewer).
 */
function project(
  b: GraphBuilder,
  x: T,
  lookup: Lookup | undefined,
  kernel: T,
  bias: T,
): { xw: T; x2?: T; distinct?: Distinct } {
  const w = kernel.shape[1] as number;
  if (!lookup) {
    const x2 = rows(b, x);
    return { xw: b.op('Gemm', [x2, kernel, bias], ['batch', w]), x2 };
  }
  const distinct = distinctIds(b, lookup);
  const pu = b.op('Gemm', [distinct.rows, kernel, bias], ['batch', w]);
  return { xw: b.op('Gather', [pu, distinct.inverse], ['batch', w], { axis: { i: 0 } }), distinct };
}

/** The projection rows `xw` `[batch·steps, w]` cut into one `[batch, w]` slice per step. */
function cutSteps(b: GraphBuilder, xw: T, steps: number): T[] {
  const w = xw.shape[1];
  const seq = reshape(b, xw, ['batch', steps, w]);
  return (steps > 1 ? split(b, seq, new Array<number>(steps).fill(1), 1) : [seq]).map((xt) =>
    reshape(b, xt, ['batch', w]),
  );
}

/**
 * The table, kernel and bias gradients of a projection over distinct ids from those of its rows `dxw`:
 * the rows' gradients summed per distinct id (ScatterND with add), then the products over the distinct
 * ids only, and their rows' gradient written into the table's (each distinct id once).
 */
function distinctGrads(bb: GraphBuilder, d: Distinct, kernel: T, dxw: T): [T, T, T] {
  const w = kernel.shape[1] as number;
  const [vocab, dim] = d.table.shape as [number, number];
  const count = bb.opNoGrad('Shape', [d.ids], [1], {}, 'int64');
  const zeros = filled(
    bb,
    bb.opNoGrad('Concat', [count, bb.constI64([w])], [2], { axis: { i: 0 } }, 'int64'),
    ['batch', w],
    dxw.dtype,
    0,
  );
  const at = (i: T): T => reshape(bb, i, ['batch', 1]);
  const dpu = bb.op('ScatterND', [zeros, at(d.inverse), dxw], ['batch', w], { reduction: { s: 'add' } });
  const dRows = bb.op('Gemm', [dpu, kernel], ['batch', dim], { transB: { i: 1 } });
  const dTable = bb.op(
    'ScatterND',
    [filled(bb, bb.constI64([vocab, dim]), [vocab, dim], dxw.dtype, 0), at(d.ids), dRows],
    [vocab, dim],
  );
  return [dTable, weightGrad(bb, d.rows, dpu), reduceSum(bb, dpu, [0])];
}

/** Per-step `[batch, w]` tensors as rows of (batch, step), in the order of `rows(x)`. */
function stepRows(b: GraphBuilder, ts: readonly T[]): T {
  const w = ts[0].shape[1];
  const each = ts.map((t) => reshape(b, t, ['batch', 1, w]));
  const seq = each.length > 1 ? b.op('Concat', each, ['batch', each.length, w], { axis: { i: 1 } }) : each[0];
  return reshape(b, seq, ['batch', w]);
}

/** The gradients of the input and the bias from those of the projection rows `dxw`. */
function projectionGrads(b: GraphBuilder, x: T, kernel: T, dxw: T): [T, T] {
  const dx = reshape(b, b.op('Gemm', [dxw, kernel], ['batch', x.shape[2]], { transB: { i: 1 } }), x.shape);
  return [dx, reduceSum(b, dxw, [0])];
}

/** Rows `a`ᵀ · `dy`, the gradient of a weight that multiplied the rows `a`. */
const weightGrad = (b: GraphBuilder, a: T, dy: T): T =>
  b.op('Gemm', [a, dy], [a.shape[1], dy.shape[1]], { transA: { i: 1 } });

/**
 * The training-mode LSTM (Keras gates i, f, c, o) as one fused group over `x` `[batch, steps, F]`
 * with `kernel` `[F, 4u]`, `bias` `[4u]` and `rec` `[u, 4u]`; `masks[t]` is 1 at real tokens and 0
 * at padding `[batch, 1]` (absent: every step is real). Returns the state after every step (`all`)
 * or the last one. The forward is the unrolled cell after one input product over all steps; the
 * backward through time is written out: per step the gate gradients and one product for the
 * previous state's gradient, then the kernel, recurrent kernel, bias and input gradients each as one
 * product (or sum) over all steps, where op-by-op differentiation makes one per step. With `lookup`
 * (the Embedding table and ids `x` was gathered from) the input product runs over the distinct ids
 * only, the group reads the table instead of `x`, and the first gradient returned is the table's.
 */
export function fusedLstm(
  b: GraphBuilder,
  x: T,
  kernel: T,
  bias: T,
  rec: T,
  masks: readonly (T | undefined)[],
  all: boolean,
  lookup?: Lookup,
): T[] {
  const steps = x.shape[1] as number;
  const u = rec.shape[0] as number;
  const cells: Cell[] = [];
  const hs: T[] = [];
  let distinct: Distinct | undefined;
  let x2 = x;
  const forward = (): T[] => {
    const p = project(b, x, lookup, kernel, bias);
    distinct = p.distinct;
    x2 = p.x2 ?? x;
    const xs = cutSteps(b, p.xw, steps);
    // Stored transposed, the recurrent kernel packs faster for each step's product.
    const recT = steps > 1 ? b.op('Transpose', [rec], [4 * u, u], { perm: { ints: [1, 0] } }) : rec;
    let h: T | undefined;
    let c: T | undefined;
    for (let t = 0; t < steps; t++) {
      const pre = h ? b.op('Gemm', [h, recT, xs[t]], ['batch', 4 * u], { transB: { i: 1 } }) : xs[t];
      const [zi, zf, zc, zo] = split(b, pre, [u, u, u, u], 1) as [T, T, T, T];
      const i = unary(b, 'Sigmoid', zi);
      const g = unary(b, 'Tanh', zc);
      const o = unary(b, 'Sigmoid', zo);
      const f = c ? unary(b, 'Sigmoid', zf) : undefined;
      const ig = mul(b, i, g);
      const fc = c && f ? mul(b, f, c) : undefined;
      const cNew = fc ? add(b, fc, ig) : ig;
      const tc = unary(b, 'Tanh', cNew);
      const oTc = mul(b, o, tc);
      const m = masks[t];
      cells.push({ i, f, g, o, tc, ig, fc, oTc, hPrev: h, mask: m });
      c = keep(b, m, cNew, c);
      h = keep(b, m, oTc, h);
      hs.push(h);
    }
    return all ? hs : [h!];
  };
  const backward = (bb: GraphBuilder, dys: readonly (T | undefined)[]): (T | undefined)[] => {
    const dyAt = (t: number): T | undefined => (all ? dys[t] : t === steps - 1 ? dys[0] : undefined);
    const dpres: T[] = new Array<T>(steps);
    let dH = dyAt(steps - 1);
    let dC: T | undefined;
    for (let t = steps - 1; t >= 0; t--) {
      const { i, f, g, o, tc, ig, fc, oTc, mask } = cells[t];
      const dh = dH ?? zerosLike(bb, hs[t]);
      const dhNew = mask ? mul(bb, mask, dh) : dh;
      const dcIn = mask && dC ? mul(bb, mask, dC) : dC;
      // With the forward's products: o(1 − tc²) = o − oTc·tc, i(1 − i)g = ig − ig·i, i(1 − g²) = i − ig·g,
      // f(1 − f)c = fc − fc·f, o(1 − o)tc = oTc − oTc·o.
      const dcNew = sum(bb, [mul(bb, dhNew, sub(bb, o, mul(bb, oTc, tc))), dcIn])!;
      const dzi = mul(bb, dcNew, less(bb, ig, i));
      const dzf = f && fc ? mul(bb, dcNew, less(bb, fc, f)) : zerosLike(bb, i);
      const dzc = mul(bb, dcNew, sub(bb, i, mul(bb, ig, g)));
      const dzo = mul(bb, dhNew, less(bb, oTc, o));
      dpres[t] = bb.op('Concat', [dzi, dzf, dzc, dzo], ['batch', 4 * u], { axis: { i: 1 } });
      if (t === 0) break;
      const keptH = mask ? sub(bb, dh, dhNew) : undefined;
      const keptC = mask && dC && dcIn ? sub(bb, dC, dcIn) : undefined;
      dC = sum(bb, [mul(bb, dcNew, f!), keptC]);
      const carried = sum(bb, [keptH, dyAt(t - 1)]);
      dH = bb.op('Gemm', carried ? [dpres[t], rec, carried] : [dpres[t], rec], ['batch', u], { transB: { i: 1 } });
    }
    const dxw = stepRows(bb, dpres);
    // h before each step (0 at the first), the rows the recurrent kernel multiplied.
    const hBefore = (): T => stepRows(bb, [zerosLike(bb, hs[0]), ...cells.slice(1).map((c) => c.hPrev!)]);
    if (distinct)
      return [...distinctGrads(bb, distinct, kernel, dxw), steps > 1 ? weightGrad(bb, hBefore(), dxw) : undefined];
    const [dx, dBias] = projectionGrads(bb, x, kernel, dxw);
    if (steps === 1) return [dx, weightGrad(bb, x2, dxw), dBias, undefined];
    // Kernel and recurrent kernel from one product: [x, h before the step]ᵀ · dxw.
    const width = x.shape[2] as number;
    const xh = bb.op('Concat', [x, reshape(bb, hBefore(), ['batch', steps, u])], ['batch', steps, width + u], {
      axis: { i: 2 },
    });
    const [dKernel, dRec] = split(bb, weightGrad(bb, rows(bb, xh), dxw), [width, u], 0) as [T, T];
    return [dx, dKernel, dBias, dRec];
  };
  return b.fused('lstm', [lookup ? lookup.table : x, kernel, bias, rec], forward, backward);
}

/** What the GRU's backward through time reads of one forward step. */
interface GruCell {
  z: T;
  /** σ of the update and reset pre-activations `[batch, 2u]` (steps after the first). */
  zr?: T;
  r?: T;
  hh: T;
  /** h before the step minus the candidate (steps after the first). */
  diff?: T;
  hPrev?: T;
  /** r ⊙ h before the step. */
  rh?: T;
  mask?: T;
}

/**
 * The training-mode GRU (Keras gates z, r, h with reset_after=false, as TF.js) as one fused group,
 * with the same inputs and outputs as `fusedLstm` (`kernel` `[F, 3u]`, `rec` `[u, 3u]`). The new
 * state is hh + z ⊙ (h − hh). Per step the backward makes the gate gradients and two products; the
 * kernel gradient is one product over all steps, the recurrent kernel's two (update and reset
 * columns from the previous states, candidate columns from r ⊙ h). `lookup` as in `fusedLstm`.
 */
export function fusedGru(
  b: GraphBuilder,
  x: T,
  kernel: T,
  bias: T,
  rec: T,
  masks: readonly (T | undefined)[],
  all: boolean,
  lookup?: Lookup,
): T[] {
  const steps = x.shape[1] as number;
  const u = rec.shape[0] as number;
  const cells: GruCell[] = [];
  const hs: T[] = [];
  let distinct: Distinct | undefined;
  let x2 = x;
  let recZrT = rec;
  let recHT = rec;
  const forward = (): T[] => {
    const p = project(b, x, lookup, kernel, bias);
    distinct = p.distinct;
    x2 = p.x2 ?? x;
    const xs = cutSteps(b, p.xw, steps);
    if (steps > 1)
      [recZrT, recHT] = split(b, b.op('Transpose', [rec], [3 * u, u], { perm: { ints: [1, 0] } }), [2 * u, u], 0) as [
        T,
        T,
      ];
    let h: T | undefined;
    for (let t = 0; t < steps; t++) {
      const m = masks[t];
      let next: T;
      if (!h) {
        const [xz, , xh] = split(b, xs[t], [u, u, u], 1) as [T, T, T];
        const z = unary(b, 'Sigmoid', xz);
        const hh = unary(b, 'Tanh', xh);
        next = sub(b, hh, mul(b, z, hh));
        cells.push({ z, hh, mask: m });
      } else {
        const [xzr, xh] = split(b, xs[t], [2 * u, u], 1) as [T, T];
        const zr = unary(b, 'Sigmoid', b.op('Gemm', [h, recZrT, xzr], ['batch', 2 * u], { transB: { i: 1 } }));
        const [z, r] = split(b, zr, [u, u], 1) as [T, T];
        const rh = mul(b, r, h);
        const hh = unary(b, 'Tanh', b.op('Gemm', [rh, recHT, xh], ['batch', u], { transB: { i: 1 } }));
        const diff = sub(b, h, hh);
        next = add(b, hh, mul(b, z, diff));
        cells.push({ z, zr, r, hh, diff, hPrev: h, rh, mask: m });
      }
      h = keep(b, m, next, h);
      hs.push(h);
    }
    return all ? hs : [h!];
  };
  const backward = (bb: GraphBuilder, dys: readonly (T | undefined)[]): (T | undefined)[] => {
    const one = bb.constF(1);
    const dyAt = (t: number): T | undefined => (all ? dys[t] : t === steps - 1 ? dys[0] : undefined);
    const dZr: T[] = new Array<T>(steps);
    const dZh: T[] = new Array<T>(steps);
    let dH = dyAt(steps - 1);
    for (let t = steps - 1; t >= 0; t--) {
      const { z, zr, r, hh, diff, hPrev, mask } = cells[t];
      const dh = dH ?? zerosLike(bb, hs[t]);
      const dNext = mask ? mul(bb, mask, dh) : dh;
      dZh[t] = mul(bb, mul(bb, dNext, sub(bb, one, z)), sub(bb, one, mul(bb, hh, hh)));
      if (!zr || !r || !diff || !hPrev) {
        const dz = throughSigmoid(bb, mul(bb, dNext, unary(bb, 'Neg', hh)), z);
        dZr[t] = bb.op('Concat', [dz, zerosLike(bb, dz)], ['batch', 2 * u], { axis: { i: 1 } });
        break;
      }
      const dRh = bb.op('Gemm', [dZh[t], recHT], ['batch', u]);
      const dzr = bb.op('Concat', [mul(bb, dNext, diff), mul(bb, dRh, hPrev)], ['batch', 2 * u], { axis: { i: 1 } });
      dZr[t] = throughSigmoid(bb, dzr, zr);
      const direct = sum(bb, [mul(bb, dNext, z), mul(bb, dRh, r), mask ? sub(bb, dh, dNext) : undefined, dyAt(t - 1)])!;
      dH = bb.op('Gemm', [dZr[t], recZrT, direct], ['batch', u]);
    }
    const dzrRows = stepRows(bb, dZr);
    const dzhRows = stepRows(bb, dZh);
    const dxw = reshape(
      bb,
      bb.op(
        'Concat',
        [reshape(bb, dzrRows, ['batch', steps, 2 * u]), reshape(bb, dzhRows, ['batch', steps, u])],
        ['batch', steps, 3 * u],
        { axis: { i: 2 } },
      ),
      ['batch', 3 * u],
    );
    const [dx, dKernel, dBias] = distinct
      ? distinctGrads(bb, distinct, kernel, dxw)
      : ((): [T, T, T] => {
          const [d, db] = projectionGrads(bb, x, kernel, dxw);
          return [d, weightGrad(bb, x2, dxw), db];
        })();
    if (steps === 1) return [dx, dKernel, dBias, undefined];
    const before = (pick: (c: GruCell) => T): T => stepRows(bb, [zerosLike(bb, hs[0]), ...cells.slice(1).map(pick)]);
    const dRec = bb.op(
      'Concat',
      [
        weightGrad(
          bb,
          before((c) => c.hPrev!),
          dzrRows,
        ),
        weightGrad(
          bb,
          before((c) => c.rh!),
          dzhRows,
        ),
      ],
      [u, 3 * u],
      { axis: { i: 1 } },
    );
    return [dx, dKernel, dBias, dRec];
  };
  return b.fused('gru', [lookup ? lookup.table : x, kernel, bias, rec], forward, backward);
}
