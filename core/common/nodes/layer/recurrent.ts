import { z } from 'zod';
import type { T } from '../../model/graph/GraphBuilder';
import { add, concat, matmul, mul, reshape, slice, split, sub, unary } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { lookupOf } from './embedding';
import { fusedGru, fusedLstm } from './fusedRecurrent';
import { param } from './layerOps';
import { paddingMask } from './paddingMask';

const recurrentParams = z.object({
  units: z.number().int().min(1).max(4096).default(32).describe('Size of the hidden state (and of each output step)'),
  returnSequences: z
    .boolean()
    .default(false)
    .describe('Output every step [sequence, units] instead of the last state [units]'),
  maskPadding: z
    .boolean()
    .default(false)
    .describe(
      'Skip padding: at steps whose input token id is 0 (from prep.tokenize) the state is carried over unchanged',
    ),
});

/**
 * An LSTM or GRU layer. Input `[seq, features]`; output `[seq, units]` or, without
 * `returnSequences`, the last state `[units]`. Keras weight layouts: LSTM gates i, f, c, o; GRU
 * gates z, r, h with reset_after=false (as TF.js). Unrolled over the fixed sequence length.
 */
export function defineRecurrent<K extends 'lstm' | 'gru'>(kind: K, title: string, doc: string) {
  const lstm = kind === 'lstm';
  const g = lstm ? 4 : 3;
  return defineLayer({
    kind,
    title,
    doc,
    spec: z.object({
      kind: z.literal(kind),
      units: z.number().int().min(1),
      returnSequences: z.boolean().optional(),
      maskPadding: z.boolean().optional(),
    }),
    params: recurrentParams,
    toLayer: (p) => ({
      kind,
      units: p.units,
      returnSequences: p.returnSequences,
      ...(p.maskPadding ? { maskPadding: true } : {}),
    }),
    infer: ({ id, layer, x, fail }) => {
      if (x.length !== 2) fail('[sequence, features]');
      const [s, f] = x as [number, number];
      const u = layer.units;
      const params = [
        param(`${id}/kernel`, [f, g * u], 'glorot_uniform', f, g * u),
        param(`${id}/recurrent_kernel`, [u, g * u], 'glorot_uniform', u, g * u),
        param(`${id}/bias`, [g * u], lstm ? 'forget_bias' : 'zeros'),
      ];
      return { outShape: layer.returnSequences ? [s, u] : [u], params, buffers: [] };
    },
    emit: ({ ctx, node, layer, x, p }) => {
      const b = ctx.b;
      const [steps] = node.inShapes[0] as [number, number];
      const u = layer.units;
      const rec = p('recurrent_kernel');
      const mask = layer.maskPadding ? paddingMask(ctx, x, `layer.${kind}`) : undefined;
      const real = (t: number): T | undefined => {
        if (!mask) return undefined;
        const at = b.opNoGrad('Slice', [mask, b.constI64([t]), b.constI64([t + 1]), b.constI64([1])], ['batch', 1, 1]);
        return b.opNoGrad('Reshape', [at, b.constI64([-1, 1])], ['batch', 1]);
      };
      if (ctx.mode === 'train') {
        const masks = Array.from({ length: steps }, (_, t) => real(t));
        const states = (lstm ? fusedLstm : fusedGru)(
          b,
          x,
          p('kernel'),
          p('bias'),
          rec,
          masks,
          layer.returnSequences ?? false,
          lookupOf(x),
        );
        return layer.returnSequences
          ? concat(
              b,
              states.map((h) => reshape(b, h, ['batch', 1, u])),
              1,
            )
          : states[0];
      }
      const xw = add(b, matmul(b, x, p('kernel')), p('bias'));
      // One Split rather than a Slice per step: a Slice's gradient pads back to the whole sequence, O(steps²).
      const xs = steps > 1 ? split(b, xw, new Array<number>(steps).fill(1), 1) : [xw];
      // GRU (Keras reset_after=false, as tfjs): the reset gate scales h before its recurrent product.
      const recZR = lstm ? undefined : slice(b, rec, [0], [2 * u], [1]);
      const recH = lstm ? undefined : slice(b, rec, [2 * u], [3 * u], [1]);
      /** The new state where the step is a real token, the previous one (0 before the first) at padding. */
      const keep = (m: T | undefined, next: T, prev: T | undefined): T =>
        !m ? next : prev ? add(b, prev, mul(b, m, sub(b, next, prev))) : mul(b, m, next);
      let h: T | undefined;
      let c: T | undefined;
      const hs: T[] = [];
      for (let t = 0; t < steps; t++) {
        const m = real(t);
        const hPrev = h;
        const cPrev = c;
        const xt = reshape(b, xs[t], ['batch', g * u]);
        if (lstm) {
          const pre = h ? add(b, xt, matmul(b, h, rec)) : xt;
          const [zi, zf, zc, zo] = split(b, pre, [u, u, u, u], 1) as [T, T, T, T];
          const i = unary(b, 'Sigmoid', zi);
          const cand = unary(b, 'Tanh', zc);
          const cNew = c ? add(b, mul(b, unary(b, 'Sigmoid', zf), c), mul(b, i, cand)) : mul(b, i, cand);
          c = keep(m, cNew, cPrev);
          h = keep(m, mul(b, unary(b, 'Sigmoid', zo), unary(b, 'Tanh', cNew)), hPrev);
        } else {
          const [xz, xr, xh] = split(b, xt, [u, u, u], 1) as [T, T, T];
          let zIn = xz;
          let hIn = xh;
          if (h) {
            const [hz, hr] = split(b, matmul(b, h, recZR!), [u, u], 1) as [T, T];
            zIn = add(b, xz, hz);
            const r = unary(b, 'Sigmoid', add(b, xr, hr));
            hIn = add(b, xh, matmul(b, mul(b, r, h), recH!));
          }
          const update = unary(b, 'Sigmoid', zIn);
          const fresh = mul(b, sub(b, b.constF(1), update), unary(b, 'Tanh', hIn));
          h = keep(m, h ? add(b, mul(b, update, h), fresh) : fresh, hPrev);
        }
        if (layer.returnSequences) hs.push(reshape(b, h, ['batch', 1, u]));
      }
      return layer.returnSequences ? concat(b, hs, 1) : h!;
    },
  });
}
