import * as ort from 'onnxruntime-node';
import type { TrainingGraph } from '../../../../../core/common/model';
import { trainingScalars } from '../../../../../core/common/model';

export type Arr = Float32Array | Float64Array | Int32Array;

export function tensor(data: Arr, dims: readonly number[]): ort.Tensor {
  const type = data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : 'float32';
  return new ort.Tensor(type, data, dims);
}

export async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
}

/** Runs `steps` training steps on the same batch, feeding the carried vectors back. */
export async function trainSteps(
  g: TrainingGraph,
  init: Record<string, Arr>,
  x: Arr,
  xDims: number[],
  labels: Arr,
  labelDims: number[],
  steps: number,
  lr: number,
): Promise<{ carried: Record<string, Arr>; losses: number[]; last: ort.InferenceSession.OnnxValueMapType }> {
  const s = await session(g.onnx);
  const f64 = x instanceof Float64Array;
  const carried: Record<string, Arr> = {};
  for (const c of g.carried)
    carried[c.input] = init[c.input] ?? (f64 ? new Float64Array(c.size) : new Float32Array(c.size));
  const losses: number[] = [];
  let last: ort.InferenceSession.OnnxValueMapType = {};
  try {
    for (let step = 1; step <= steps; step++) {
      const feeds: Record<string, ort.Tensor> = { input: tensor(x, xDims), labels: tensor(labels, labelDims) };
      for (const c of g.carried) feeds[c.input] = tensor(carried[c.input], [c.size]);
      for (const [k, v] of Object.entries(trainingScalars(g, step, lr)))
        feeds[k] = tensor(f64 ? Float64Array.of(v) : Float32Array.of(v), []);
      last = await s.run(feeds);
      losses.push(Number(last.loss.data[0]));
      for (const c of g.carried) carried[c.input] = last[c.output].data as Arr;
    }
  } finally {
    await s.release();
  }
  return { carried, losses, last };
}
