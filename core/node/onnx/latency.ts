import type * as ort from 'onnxruntime-node';
import { openSession } from './session';

/**
 * Median milliseconds of one `session.run(feeds)` of `model` on one CPU thread at onnxruntime's
 * default graph optimization level ('all', which runs QDQ int8 convolutions in NHWC, 2–4× faster
 * than 'extended'), over `runs` runs after `warmup` unmeasured ones.
 */
export async function medianRunMs(
  model: Uint8Array,
  feeds: Record<string, ort.Tensor>,
  warmup: number,
  runs: number,
): Promise<number> {
  const { session } = await openSession(model, { provider: 'cpu', threads: 1, graphOptimizationLevel: 'all' });
  try {
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[times.length >> 1];
  } finally {
    await session.release();
  }
}
