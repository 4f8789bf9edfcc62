import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fitDataOf, learnerModules } from '../../../../../core/common/learners';
import type { FitHooks } from '../../../../../core/common/learners/types';
import type { LearnerThreads } from '../../../../../core/common/learners/threads';
import type { DatasetValue } from '../../../../../core/common';
import { boostingParams } from '../../../../../core/common/nodes/ml/boosting';
import { forestParams } from '../../../../../core/common/nodes/ml/forest';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';
import { openLearnerThreads } from '../../../../../core/node/learners/threadPool';

/** `n` seeded rows of `d` uniform features; the class is a noisy threshold of two of them. */
function dataset(n: number, d: number, classes: number): DatasetValue {
  const random = seededRandom(7);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = random();
    const s = x[i * d] + 0.5 * x[i * d + 1] + 0.3 * random();
    y[i] = Math.min(classes - 1, Math.floor((s / 1.8) * classes));
  }
  if (n > 10) x[3 * d + 2] = NaN;
  return {
    task: 'classification',
    featureShape: [d],
    classNames: Array.from({ length: classes }, (_, c) => `c${c}`),
    splits: { train: { x, y, n } },
    transforms: [],
  };
}

/** Hooks whose thread pool records how many workers it started. */
function hooks(started: number[], onStep?: (message: string) => void): FitHooks {
  return {
    step: async (_f, message) => onStep?.(message),
    epoch: () => {},
    warn: () => {},
    threads: async (count) => {
      const t: LearnerThreads | undefined = await openLearnerThreads(count);
      started.push(t?.size ?? 0);
      return t;
    },
  };
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('learner worker threads', () => {
  it('boosting builds histograms on workers and gives the same model bit for bit as one thread', async () => {
    for (const classes of [2, 3]) {
      const data = dataset(24_000, 9, classes);
      const fitData = fitDataOf(learnerModules['ml.boosting'], data);
      const fit = async (threads: number, started: number[]) =>
        learnerModules['ml.boosting'].fit(
          fitData,
          boostingParams.parse({ maxIter: 4, earlyStopping: 'on', threads }),
          hooks(started),
        );
      const one: number[] = [];
      const three: number[] = [];
      const a = await fit(1, one);
      const b = await fit(3, three);
      expect(one).toEqual([]);
      expect(three).toEqual([2]);
      expect(sha(b.onnx)).toBe(sha(a.onnx));
      expect(b.history).toEqual(a.history);
    }
  });

  it('a forest grows its trees on workers and gives the same model, importances and OOB score as one thread', async () => {
    const data = dataset(20_000, 5, 2);
    data.splits.train.x[3 * 5 + 2] = 0.5;
    const fitData = fitDataOf(learnerModules['ml.forest'], data);
    const fit = async (threads: number, started: number[], messages: string[]) =>
      learnerModules['ml.forest'].fit(
        fitData,
        forestParams.parse({ nEstimators: 50, maxDepth: 4, oobScore: true, threads }),
        hooks(started, (m) => messages.push(m)),
      );
    const one: number[] = [];
    const three: number[] = [];
    const progress: string[] = [];
    const a = await fit(1, one, []);
    const b = await fit(3, three, progress);
    expect(one).toEqual([]);
    expect(three).toEqual([3]);
    expect(sha(b.onnx)).toBe(sha(a.onnx));
    expect(b.metrics.oob_score).toBe(a.metrics.oob_score);
    expect(b.info.featureImportances).toEqual(a.info.featureImportances);
    expect(progress.filter((m) => m.startsWith('tree'))).toEqual(
      Array.from({ length: 50 }, (_, t) => `tree ${t + 1} of 50`),
    );
  });

  it('a forest cancelled between trees stops its workers and rejects', async () => {
    const data = dataset(20_000, 5, 2);
    data.splits.train.x[3 * 5 + 2] = 0.5;
    const fitData = fitDataOf(learnerModules['ml.forest'], data);
    const started: number[] = [];
    const h = hooks(started);
    h.step = async (_f, message) => {
      if (message === 'tree 5 of 50') throw new Error('cancelled');
    };
    await expect(
      learnerModules['ml.forest'].fit(fitData, forestParams.parse({ nEstimators: 50, maxDepth: 4, threads: 2 }), h),
    ).rejects.toThrow('cancelled');
    expect(started).toEqual([2]);
  });
});
