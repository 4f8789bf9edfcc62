import * as ort from 'onnxruntime-node';
import type { TrainedModelValue } from '../../common';
import { UserError } from '../executors/Executor';
import { openSession } from '../onnx/session';

/** A trained model's cost, the second objective of a search: parameters, ONNX bytes or median single-row latency. */
export async function modelCost(
  model: TrainedModelValue,
  cost: 'parameters' | 'onnx_bytes' | 'latency_ms',
  where: string,
): Promise<number> {
  if (cost === 'onnx_bytes') return model.onnx.byteLength;
  if (cost === 'parameters') {
    const weights = Object.values(model.weights);
    if (!weights.length) {
      throw new UserError(
        `${where}: cost parameters counts a neural model's weights; for this learner pick onnx_bytes or latency_ms`,
        1,
      );
    }
    return weights.reduce((n, w) => n + w.length, 0);
  }
  if (model.rawInputs) throw new UserError(`${where}: cost latency_ms needs a model trained in this pipeline`, 1);
  const opened = await openSession(model.onnx, { provider: 'cpu', threads: 1, graphOptimizationLevel: 'all' });
  try {
    const x = new ort.Tensor('float32', new Float32Array(model.featureShape.reduce((a, b) => a * b, 1)), [
      1,
      ...model.featureShape,
    ]);
    const times: number[] = [];
    for (let i = 0; i < 23; i++) {
      const t0 = performance.now();
      const out = await opened.session.run({ [model.inputName]: x });
      if (i >= 3) times.push(performance.now() - t0);
      for (const t of Object.values(out)) t.dispose();
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  } finally {
    await opened.session.release();
  }
}
