import type { GraphBuilder, T } from '../../model/graph/GraphBuilder';
import { add, mul, reduceSum, reshape, split, sub, unary } from '../../model/graph/ops';
import { zerosLike } from '../../model/graph/rules/Rule';

/** What the backward through time reads of one forward step. */
interface Cell {
  i: T;
  f?: T;
  g: T;
  o: T;
  /** tanh of the new cell state. */
  tc: T;
  cPrev?: T;
  hPrev?: T;
  mask?: T;
}

/** The new state where the step is a real token (`m` 1), the previous one (0 before the first) at padding. */
const keep = (b: GraphBuilder, m: T | undefined, next: T, prev: T | undefined): T =>
  !m ? next : prev ? add(b, prev, mul(b, m, sub(b, next, prev))) : mul(b, m, next);

const sum = (b: GraphBuilder, xs: readonly (T | undefined)[]): T | undefined =>
  xs.reduce<T | undefined>((s, x) => (!x ? s : s ? add(b, s, x) : x), undefined);

/** y · s · (1 − s): the gradient through a sigmoid whose output is `s`. */
const throughSigmoid = (b: GraphBuilder, dy: T, s: T): T => mul(b, dy, mul(b, s, sub(b, b.constF(1), s)));

/**
 * The training-mode LSTM (Keras gates i, f, c, o) as one fused group over `x` `[batch, steps, F]`
 * with `kernel` `[F, 4u]`, `bias` `[4u]` and `rec` `[u, 4u]`; `masks[t]` is 1 at real tokens and 0
 * at padding `[batch, 1]` (absent: every step is real). Returns the state after every step (`all`)
 * or the last one. The forward is the unrolled cell after one input product over all steps; the
 * backward through time is written out: per step the gate gradients and one product for the
 * previous state's gradient, then the kernel, recurrent kernel, bias and input gradients each as one
 * product (or sum) over all steps, where op-by-op differentiation makes one per step.
 */
export function fusedLstm(
  b: GraphBuilder,
  x: T,
  kernel: T,
  bias: T,
  rec: T,
  masks: readonly (T | undefined)[],
  all: boolean,
): T[] {
  const [, steps, width] = x.shape as [unknown, number, number];
  const u = rec.shape[0] as number;
  const cells: Cell[] = [];
  const hs: T[] = [];
  let x2 = x;
  const forward = (): T[] => {
    x2 = reshape(b, x, ['batch', width]);
    const xw = reshape(b, b.op('Gemm', [x2, kernel, bias], ['batch', 4 * u]), ['batch', steps, 4 * u]);
    const xs = (steps > 1 ? split(b, xw, new Array<number>(steps).fill(1), 1) : [xw]).map((xt) =>
      reshape(b, xt, ['batch', 4 * u]),
    );
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
      const cNew = c && f ? add(b, mul(b, f, c), mul(b, i, g)) : mul(b, i, g);
      const tc = unary(b, 'Tanh', cNew);
      const m = masks[t];
      cells.push({ i, f, g, o, tc, cPrev: c, hPrev: h, mask: m });
      c = keep(b, m, cNew, c);
      h = keep(b, m, mul(b, o, tc), h);
      hs.push(h);
    }
    return all ? hs : [h!];
  };
  const backward = (bb: GraphBuilder, dys: readonly (T | undefined)[]): (T | undefined)[] => {
    const one = bb.constF(1);
    const dyAt = (t: number): T | undefined => (all ? dys[t] : t === steps - 1 ? dys[0] : undefined);
    const dpres: T[] = new Array<T>(steps);
    let dH = dyAt(steps - 1);
    let dC: T | undefined;
    for (let t = steps - 1; t >= 0; t--) {
      const { i, f, g, o, tc, cPrev, mask } = cells[t];
      const dh = dH ?? zerosLike(bb, hs[t]);
      const dhNew = mask ? mul(bb, mask, dh) : dh;
      const dcIn = mask && dC ? mul(bb, mask, dC) : dC;
      const dcNew = sum(bb, [mul(bb, mul(bb, dhNew, o), sub(bb, one, mul(bb, tc, tc))), dcIn])!;
      const dzi = throughSigmoid(bb, mul(bb, dcNew, g), i);
      const dzf = f && cPrev ? throughSigmoid(bb, mul(bb, dcNew, cPrev), f) : zerosLike(bb, i);
      const dzc = mul(bb, mul(bb, dcNew, i), sub(bb, one, mul(bb, g, g)));
      const dzo = throughSigmoid(bb, mul(bb, dhNew, tc), o);
      dpres[t] = bb.op('Concat', [dzi, dzf, dzc, dzo], ['batch', 4 * u], { axis: { i: 1 } });
      if (t === 0) break;
      const keptH = mask ? sub(bb, dh, dhNew) : undefined;
      const keptC = mask && dC && dcIn ? sub(bb, dC, dcIn) : undefined;
      dC = sum(bb, [mul(bb, dcNew, f!), keptC]);
      const carried = sum(bb, [keptH, dyAt(t - 1)]);
      dH = bb.op('Gemm', carried ? [dpres[t], rec, carried] : [dpres[t], rec], ['batch', u], { transB: { i: 1 } });
    }
    // Rows of (batch, step), as x2: the pre-activation gradients and the state each step started from (0 at the first).
    const seq = (ts: readonly T[], w: number): T =>
      reshape(
        bb,
        ts.length > 1
          ? bb.op(
              'Concat',
              ts.map((t) => reshape(bb, t, ['batch', 1, w])),
              ['batch', ts.length, w],
              { axis: { i: 1 } },
            )
          : reshape(bb, ts[0], ['batch', 1, w]),
        ['batch', w],
      );
    const dxw = seq(dpres, 4 * u);
    const dBias = reduceSum(bb, dxw, [0]);
    const dx = reshape(bb, bb.op('Gemm', [dxw, kernel], ['batch', width], { transB: { i: 1 } }), [
      'batch',
      steps,
      width,
    ]);
    if (steps === 1) return [dx, bb.op('Gemm', [x2, dxw], [width, 4 * u], { transA: { i: 1 } }), dBias, undefined];
    // The kernel and recurrent kernel gradients as one product: [x, h before the step]ᵀ · dxw.
    const hBefore = bb.op(
      'Concat',
      [zerosLike(bb, hs[0]), ...cells.slice(1).map((c) => c.hPrev!)].map((h) => reshape(bb, h, ['batch', 1, u])),
      ['batch', steps, u],
      { axis: { i: 1 } },
    );
    const xh = reshape(bb, bb.op('Concat', [x, hBefore], ['batch', steps, width + u], { axis: { i: 2 } }), [
      'batch',
      width + u,
    ]);
    const dBoth = bb.op('Gemm', [xh, dxw], [width + u, 4 * u], { transA: { i: 1 } });
    const [dKernel, dRec] = split(bb, dBoth, [width, u], 0) as [T, T];
    return [dx, dKernel, dBias, dRec];
  };
  return b.fused('lstm', [x, kernel, bias, rec], forward, backward);
}
