import type * as ort from 'onnxruntime-node';
import type { LossKind, ModelSpecValue, TrainingConfig } from '../../../../../core/common/model';
import { buildTrainingGraph, initBuffers, initParams, packParams, resolveSpec } from '../../../../../core/common/model';
import type { Arr } from './ortHelpers';
import { session, tensor } from './ortHelpers';

export interface GradCheckResult {
  dtype: 'float32' | 'float64';
  /** Largest |analytic − numeric| / (atol + rtol·|numeric|) over the checked coordinates: ≤ 1 passes. */
  worst: number;
  worstAbs: number;
  checked: number;
}

/** Deterministic pseudo-random numbers in [-1, 1). */
export function noise(n: number, seed: number): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return (a / 4294967296) * 2 - 1;
  });
}

/**
 * Checks the training graph's gradient of the loss against central differences of the loss, on
 * float64 graphs where onnxruntime has float64 kernels for every op, else float32.
 */
export async function gradCheck(
  spec: ModelSpecValue,
  o: {
    featureShape: number[];
    outputUnits: number;
    loss: LossKind;
    x: number[];
    batch: number;
    labels: number[];
    cfg?: Partial<TrainingConfig>;
    coords?: number;
    freshSession?: boolean;
    forceFloat32?: boolean;
  },
): Promise<GradCheckResult> {
  const r = resolveSpec(spec, { featureShape: o.featureShape, outputUnits: o.outputUnits });
  const init = packParams(initParams(r, 3).values);
  // Perturb the initial values so zero biases and unit scales do not hide errors.
  const jitter = noise(init.length, 11);
  const p0 = Array.from(init, (v, i) => v + 0.1 * jitter[i]);
  const classification = o.loss === 'cross_entropy' || o.loss === 'binary_cross_entropy';
  for (const dtype of o.forceFloat32 ? (['float32'] as const) : (['float64', 'float32'] as const)) {
    const g = buildTrainingGraph(r, {
      loss: o.loss,
      optimizer: { kind: 'sgd' },
      outputGradients: true,
      dtype,
      ...o.cfg,
    });
    let s: ort.InferenceSession;
    try {
      s = await session(g.onnx);
    } catch (e) {
      if (dtype === 'float64') continue;
      throw e;
    }
    const F = dtype === 'float64' ? Float64Array : Float32Array;
    const xDims = [o.batch, ...o.featureShape];
    const labels: Arr = classification ? Int32Array.from(o.labels) : F.from(o.labels);
    const labelDims = classification ? [o.batch] : [o.batch, ...r.outputShape];
    const buffers = initBuffers(r);
    const evalAt = async (params: number[]): Promise<{ loss: number; grads: Arr }> => {
      const feeds: Record<string, ort.Tensor> = {
        input: tensor(F.from(o.x), xDims),
        params: tensor(F.from(params), [params.length]),
        lr: tensor(F.of(0), []),
      };
      if (g.labelName) feeds[g.labelName] = tensor(labels, labelDims);
      if (g.bufferCount) feeds.buffers = tensor(F.from(buffers), [buffers.length]);
      const sess = o.freshSession ? await session(g.onnx) : s;
      const out = await sess.run(feeds);
      if (o.freshSession) await sess.release();
      return { loss: Number(out.loss.data[0]), grads: out.grads.data as Arr };
    };
    try {
      const { grads } = await evalAt(p0);
      const n = Math.min(o.coords ?? 40, p0.length);
      const pick = noise(n, 5).map((v) => Math.floor(((v + 1) / 2) * p0.length));
      const h = dtype === 'float64' ? 1e-6 : 1e-3;
      // float64: central differences are good to ~1e-9; float32: loss rounding (~6e-8) / h dominates.
      const [atol, rtol] = dtype === 'float64' ? [1e-7, 1e-5] : [2e-3, 2e-2];
      let worst = 0;
      let worstAbs = 0;
      for (const i of new Set(pick)) {
        const plus = [...p0];
        const minus = [...p0];
        plus[i] += h;
        minus[i] -= h;
        const num = ((await evalAt(plus)).loss - (await evalAt(minus)).loss) / (2 * h);
        const an = grads[i];
        worstAbs = Math.max(worstAbs, Math.abs(an - num));
        worst = Math.max(worst, Math.abs(an - num) / (atol + rtol * Math.abs(num)));
      }
      return { dtype, worst, worstAbs, checked: new Set(pick).size };
    } finally {
      await s.release();
    }
  }
  throw new Error('unreachable');
}
