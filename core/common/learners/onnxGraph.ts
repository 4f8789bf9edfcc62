import { GraphBuilder, type T } from '../model/graph/GraphBuilder';
import type { CsrRows } from '../sparse';

/** The graph input `input` `[batch, ...featureShape]`, flattened to `[batch, d]` when it has more than one axis. */
export function featureInput(b: GraphBuilder, featureShape: readonly number[]): T {
  const x = b.input('input', ['batch', ...featureShape]);
  if (featureShape.length === 1) return x;
  const d = featureShape.reduce((a, c) => a * c, 1);
  return b.op('Flatten', [x], ['batch', d], { axis: { i: 1 } });
}

/**
 * Turns raw scores into the model output: `softmax` over classes, `sigmoid` of one binary score
 * as `[1 − p, p]`, or `identity` for regression.
 */
export function scoresToOutput(b: GraphBuilder, scores: T, link: 'identity' | 'softmax' | 'sigmoid'): T {
  if (link === 'softmax') return b.op('Softmax', [scores], scores.shape, { axis: { i: 1 } });
  if (link === 'identity') return scores;
  const p = b.op('Sigmoid', [scores], ['batch', 1]);
  const q = b.op('Sub', [b.constF(1), p], ['batch', 1]);
  return b.op('Concat', [q, p], ['batch', 2], { axis: { i: 1 } });
}

/** A linear model `x · W + bias` (`W` is `d × m`, row-major) followed by `link`, as ONNX bytes. */
export function linearOnnx(
  featureShape: readonly number[],
  w: Float64Array,
  bias: Float64Array,
  link: 'identity' | 'softmax' | 'sigmoid',
): Uint8Array {
  const b = new GraphBuilder();
  const x = featureInput(b, featureShape);
  const m = bias.length;
  const d = w.length / m;
  const wt = b.initializer('coef', [d, m], Float32Array.from(w), 'float32');
  const bt = b.initializer('intercept', [m], Float32Array.from(bias), 'float32');
  const scores = b.op('Add', [b.op('MatMul', [x, wt], ['batch', m]), bt], ['batch', m]);
  b.output(scoresToOutput(b, scores, link), 'output');
  return b.encode();
}

/** `x · W + bias` for `n` rows in float32 arithmetic order of the exported graph, row-major `n × m`. */
export function linearScores(x: Float32Array, n: number, w: Float64Array, bias: Float64Array): Float64Array {
  const m = bias.length;
  const d = w.length / m;
  const out = new Float64Array(n * m);
  const w32 = Float32Array.from(w);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j] * w32[j * m + c];
      out[i * m + c] = s + Math.fround(bias[c]);
    }
  }
  return out;
}

/** Applies `link` to scores row by row, as the graph's output does. */
export function applyLink(scores: Float64Array, n: number, link: 'identity' | 'softmax' | 'sigmoid'): Float32Array {
  if (link === 'identity') return Float32Array.from(scores);
  if (link === 'sigmoid') {
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-scores[i]));
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  const m = scores.length / n;
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < m; c++) max = Math.max(max, scores[i * m + c]);
    let z = 0;
    for (let c = 0; c < m; c++) z += Math.exp(scores[i * m + c] - max);
    for (let c = 0; c < m; c++) out[i * m + c] = Math.exp(scores[i * m + c] - max) / z;
  }
  return out;
}

/** `linearScores` for sparse rows: only the stored entries are multiplied. */
export function sparseLinearScores(x: CsrRows, w: Float64Array, bias: Float64Array): Float64Array {
  const m = bias.length;
  const out = new Float64Array(x.rows * m);
  for (let i = 0; i < x.rows; i++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let k = x.indptr[i]; k < x.indptr[i + 1]; k++) s += x.values[k] * Math.fround(w[x.indices[k] * m + c]);
      out[i * m + c] = s + Math.fround(bias[c]);
    }
  }
  return out;
}
