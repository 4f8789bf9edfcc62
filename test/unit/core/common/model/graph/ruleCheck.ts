import type * as ort from 'onnxruntime-node';
import { gradients, reverseSteps } from '../../../../../../core/common/model/graph/autodiff';
import type { SShape, T } from '../../../../../../core/common/model/graph/GraphBuilder';
import { GraphBuilder } from '../../../../../../core/common/model/graph/GraphBuilder';
import { mul, reduceSum } from '../../../../../../core/common/model/graph/ops';
import type { RewriteOptions } from '../../../../../../core/common/model/graph/rewrites/rewrites';
import { noRewrites } from '../../../../../../core/common/model/graph/rewrites/rewrites';
import { noise } from '../gradCheck';
import { session, tensor } from '../ortHelpers';

/** A float input of the checked graph: differentiated unless `fixed`. */
interface InputSpec {
  shape: number[];
  /** Values in [0.5, 2.5) instead of [-2, 2) (Log, Sqrt). */
  positive?: boolean;
  /** Fed but not differentiated. */
  fixed?: boolean;
}

export interface GraphCase {
  inputs: InputSpec[];
  /** The forward graph from the inputs: one or several float outputs. */
  build(b: GraphBuilder, ins: T[]): T | T[];
  seed?: number;
  /**
   * Central-difference step in float32 (the loss's rounding over h dominates a smaller step, a
   * kink of ReLU or MaxPool within h of a point spoils a larger one). @default 1e-2
   */
  fdStep?: number;
  /** Evaluate every point in a fresh session (ops with a seeded random state: Dropout). */
  freshSession?: boolean;
}

export interface CheckResult {
  /** The element type the graph actually ran in. */
  dtype: 'float32' | 'float64';
  /** Largest |analytic − numeric| / (atol + rtol·|numeric|): ≤ 1 passes. */
  worst: number;
  worstAbs: number;
  checked: number;
}

interface Built {
  onnx: Uint8Array;
  names: string[];
  values: number[][];
  diff: number[];
}

function forward(c: GraphCase, dtype: 'float32' | 'float64'): { b: GraphBuilder; ins: T[]; loss: T; diff: number[] } {
  const b = new GraphBuilder(dtype);
  const seed = c.seed ?? 1;
  const ins = c.inputs.map((s, i) => b.input(`x${i}`, s.shape));
  const diff = c.inputs.flatMap((s, i) => (s.fixed ? [] : [i]));
  for (const i of diff) b.needsGrad.add(ins[i].name);
  const ys = [c.build(b, ins)].flat();
  let loss: T | undefined;
  ys.forEach((y, k) => {
    const n = y.shape.reduce<number>((p, d) => p * (d as number), 1);
    const w = b.constF(noise(n, seed * 31 + k), y.shape as number[]);
    const term = reduceSum(
      b,
      mul(b, y, w),
      y.shape.map((_, a) => a),
    );
    loss = loss ? b.op('Add', [loss, term], []) : term;
  });
  return { b, ins, loss: loss!, diff };
}

/** The rewrite (if any) that made each step of the case's reverse pass. */
export function rewritesApplied(c: GraphCase, rewrites: RewriteOptions): (string | undefined)[] {
  return reverseSteps(forward(c, 'float64').b, rewrites).map((s) => s.rewrite);
}

function build(c: GraphCase, dtype: 'float32' | 'float64', rewrites: RewriteOptions): Built {
  const { b, ins, loss, diff } = forward(c, dtype);
  const seed = c.seed ?? 1;
  const grads = gradients(
    b,
    loss,
    diff.map((i) => ins[i]),
    rewrites,
  );
  b.output(loss, 'loss');
  grads.forEach((g, k) => b.output(g, `grad${k}`));
  const values = c.inputs.map((s, i) => {
    const n = s.shape.reduce((p, d) => p * d, 1);
    return noise(n, seed * 7 + i).map((v) => (s.positive ? 1.5 + v : 2 * v));
  });
  return { onnx: b.encode(), names: ins.map((t) => t.name), values, diff };
}

const shapeOf = (c: GraphCase, i: number): SShape => c.inputs[i].shape;

/** The loss and each differentiated input's gradient, evaluated by onnxruntime. */
export async function evaluate(
  c: GraphCase,
  dtype: 'float32' | 'float64',
  rewrites: RewriteOptions = noRewrites,
): Promise<{ loss: number; grads: number[][] }> {
  const g = build(c, dtype, rewrites);
  const s = await session(g.onnx);
  try {
    const F = dtype === 'float64' ? Float64Array : Float32Array;
    const out = await s.run(
      Object.fromEntries(g.names.map((n, i) => [n, tensor(F.from(g.values[i]), shapeOf(c, i) as number[])])),
    );
    return {
      loss: Number(out.loss.data[0]),
      grads: g.diff.map((_, k) => Array.from(out[`grad${k}`].data as Float64Array)),
    };
  } finally {
    await s.release();
  }
}

/**
 * Checks the gradient of Σ w·f(inputs) (w fixed noise) with respect to every element of every
 * differentiated input against central differences: in float64 where onnxruntime has float64
 * kernels for every op of the graph, else float32. `rewrites` defaults to all off (plain rules).
 */
export async function checkGradients(c: GraphCase, rewrites: RewriteOptions = noRewrites): Promise<CheckResult> {
  for (const dtype of ['float64', 'float32'] as const) {
    const g = build(c, dtype, rewrites);
    let s: ort.InferenceSession;
    try {
      s = await session(g.onnx);
    } catch (e) {
      if (dtype === 'float64') continue;
      throw e;
    }
    const F = dtype === 'float64' ? Float64Array : Float32Array;
    const run = async (values: number[][]): Promise<ort.InferenceSession.OnnxValueMapType> => {
      const sess = c.freshSession ? await session(g.onnx) : s;
      try {
        return await sess.run(
          Object.fromEntries(g.names.map((n, i) => [n, tensor(F.from(values[i]), shapeOf(c, i) as number[])])),
        );
      } finally {
        if (c.freshSession) await sess.release();
      }
    };
    try {
      let out: ort.InferenceSession.OnnxValueMapType;
      try {
        out = await run(g.values);
      } catch (e) {
        if (dtype === 'float64') continue;
        throw e;
      }
      const h = dtype === 'float64' ? 1e-6 : (c.fdStep ?? 1e-2);
      const [atol, rtol] = dtype === 'float64' ? [1e-7, 1e-5] : [2e-3, 2e-2];
      let worst = 0;
      let worstAbs = 0;
      let checked = 0;
      for (const [k, i] of g.diff.entries()) {
        const an = out[`grad${k}`].data as Float64Array;
        for (let e = 0; e < g.values[i].length; e++) {
          const at = (d: number): number[][] =>
            g.values.map((v, j) => (j === i ? v.map((x, m) => (m === e ? x + d : x)) : v));
          const num = (Number((await run(at(h))).loss.data[0]) - Number((await run(at(-h))).loss.data[0])) / (2 * h);
          worstAbs = Math.max(worstAbs, Math.abs(an[e] - num));
          worst = Math.max(worst, Math.abs(an[e] - num) / (atol + rtol * Math.abs(num)));
          checked++;
        }
      }
      return { dtype, worst, worstAbs, checked };
    } finally {
      await s.release();
    }
  }
  throw new Error('unreachable');
}
