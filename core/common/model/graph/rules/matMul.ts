import type { T } from '../GraphBuilder';
import { matmul, reshape, transposeLast2 } from '../ops';
import type { Rule } from './Rule';
import { unbroadcast } from './Rule';

/**
 * y = x · w: dx = dy · wᵀ, dw = xᵀ · dy. With a 2-d weight, dw is one Gemm over every leading
 * (batch, time) row: (x as [rows, K])ᵀ · (dy as [rows, P]).
 */
export const matMulRule: Rule = ({ b, ins, dys }) => {
  const [x, w] = ins as [T, T];
  const dy = dys[0]!;
  if (w.shape.length === 2 && x.shape.length >= 2) {
    const dx = matmul(b, dy, transposeLast2(b, w));
    const K = x.shape[x.shape.length - 1];
    const P = w.shape[1];
    const x2 = x.shape.length === 2 ? x : reshape(b, x, ['batch', K]);
    const dy2 = dy.shape.length === 2 ? dy : reshape(b, dy, ['batch', P]);
    const dw = b.op('Gemm', [x2, dy2], [K, P], { transA: { i: 1 } });
    return [dx, dw];
  }
  const dx = unbroadcast(b, matmul(b, dy, transposeLast2(b, w)), x.shape);
  const dw = unbroadcast(b, matmul(b, transposeLast2(b, x), dy), w.shape);
  return [dx, dw];
};
