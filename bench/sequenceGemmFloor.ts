/**
 * The matrix products of one training step of the text-sequence bench models, alone, on
 * onnxruntime (the same MLAS kernels the step uses): a lower bound on our step's CPU time that no
 * graph rewrite can go below without fewer floating-point operations. Same shapes as the step:
 * batch 64, sequence 64, width 128.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../core/common/model/graph/GraphBuilder';

interface Product {
  a: number[];
  b: number[];
  out: number[];
  transA?: boolean;
  transB?: boolean;
  count: number;
}

/**
 * Embedding → LSTM 128 units over 64 steps of a batch holding `distinct` different token ids: the
 * input projection, the kernel's and the embedding rows' gradients over the distinct ids (as the
 * fused layer runs them), 63 recurrent products forward and backward, and the recurrent kernel's
 * gradient over the 4032 rows of the steps after the first.
 */
const lstm = (distinct: number): Product[] => [
  { a: [distinct, 128], b: [128, 512], out: [distinct, 512], count: 1 },
  { a: [64, 128], b: [128, 512], out: [64, 512], count: 63 },
  { a: [64, 512], b: [128, 512], out: [64, 128], transB: true, count: 63 },
  { a: [4032, 128], b: [4032, 512], out: [128, 512], transA: true, count: 1 },
  { a: [distinct, 128], b: [distinct, 512], out: [128, 512], transA: true, count: 1 },
  { a: [distinct, 512], b: [128, 512], out: [distinct, 128], transB: true, count: 1 },
];

/** One encoder block, model 128, ff 128, 4 heads: six token-wise projections forward, dx and dW, and the per-head products. */
const transformer: Product[] = [
  { a: [4096, 128], b: [128, 128], out: [4096, 128], count: 6 },
  { a: [4096, 128], b: [128, 128], out: [4096, 128], transB: true, count: 6 },
  { a: [4096, 128], b: [4096, 128], out: [128, 128], transA: true, count: 6 },
  { a: [256, 64, 32], b: [256, 32, 64], out: [256, 64, 64], count: 3 },
  { a: [256, 64, 64], b: [256, 64, 32], out: [256, 64, 32], count: 3 },
];

const size = (s: readonly number[]): number => s.reduce((x, y) => x * y, 1);

/**
 * Floating-point operations and the least CPU seconds of `runs` runs of one graph holding only
 * `kind`'s products, on `threads` threads; `distinct`: the LSTM batch's different token ids.
 */
export async function gemmFloor(
  kind: 'lstm' | 'transformer',
  threads: number,
  distinct = 4096,
  runs = 10,
): Promise<{ gflop: number; products: number; cpu: number }> {
  const b = new GraphBuilder();
  const feeds: Record<string, ort.Tensor> = {};
  const outs = [];
  let flop = 0;
  let k = 0;
  for (const p of kind === 'lstm' ? lstm(distinct) : transformer)
    for (let r = 0; r < p.count; r++, k++) {
      const a = b.input(`a${k}`, p.a);
      const w = b.input(`b${k}`, p.b);
      feeds[a.name] = new ort.Tensor('float32', new Float32Array(size(p.a)).fill(1e-3 * (k % 7)), p.a);
      feeds[w.name] = new ort.Tensor('float32', new Float32Array(size(p.b)).fill(1e-3), p.b);
      const attrs = { transA: { i: p.transA ? 1 : 0 }, transB: { i: p.transB ? 1 : 0 } };
      const y = p.a.length === 2 ? b.op('Gemm', [a, w], p.out, attrs) : b.op('MatMul', [a, w], p.out);
      flop += 2 * size(p.out) * (p.transA ? p.a[0] : p.a[p.a.length - 1]);
      // One element of each product is read out, so that nothing but the products costs time.
      const flat = b.op('Reshape', [y, b.constI64([-1])], [size(p.out)]);
      outs.push(b.op('Slice', [flat, b.constI64([0]), b.constI64([1]), b.constI64([0])], [1]));
    }
  const all = b.op('Concat', outs, [outs.length], { axis: { i: 0 } });
  b.output(all, 'y');
  const session = await ort.InferenceSession.create(b.encode(), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let best = Infinity;
  try {
    await session.run(feeds);
    for (let i = 0; i < runs; i++) {
      const c0 = cpu();
      await session.run(feeds);
      best = Math.min(best, cpu() - c0);
    }
  } finally {
    await session.release();
  }
  return { gflop: flop / 1e9, products: k, cpu: best };
}
