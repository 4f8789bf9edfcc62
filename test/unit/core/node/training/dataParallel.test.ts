import { describe, expect, it } from 'vitest';
import { resolveSpec, type ModelSpecValue, type OptimizerConfig } from '../../../../../core/common/model';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';
import { CancelledError } from '../../../../../core/node/executors/Executor';
import { forwardMacs, planWorkers } from '../../../../../core/node/training/parallelPlan';
import { trainLoop, type TrainLoopOptions } from '../../../../../core/node/training/trainLoop';

const FEATURES = 96;
const N = 250;

/** 96 features → 512 ReLU → 5 (classes or regression outputs): 51,712 MACs a sample, enough for two workers at batch 64. */
function spec(extra: ModelSpecValue['nodes'] = []): ModelSpecValue {
  return {
    format: 'weft.model',
    name: 'dp test',
    output: 'out',
    nodes: [
      { id: 'h', layer: { kind: 'dense', units: 512, activation: 'relu' }, inputs: ['input'] },
      ...extra,
      {
        id: 'out',
        layer: { kind: 'dense', units: 'auto', activation: 'softmax' },
        inputs: [extra.length ? extra.at(-1)!.id : 'h'],
      },
    ],
  };
}

function data(seed = 3): { x: Float32Array; y: Int32Array; t: Float32Array } {
  const r = seededRandom(seed);
  const x = new Float32Array(N * FEATURES);
  const y = new Int32Array(N);
  const t = new Float32Array(N * 5);
  for (let i = 0; i < N; i++) {
    y[i] = i % 5;
    for (let j = 0; j < FEATURES; j++) x[i * FEATURES + j] = r() * 2 - 1 + (j % 5 === y[i] ? 0.8 : 0);
    for (let k = 0; k < 5; k++) t[i * 5 + k] = x[i * FEATURES + k] - x[i * FEATURES + k + 5];
  }
  return { x, y, t };
}

type Options = Partial<TrainLoopOptions> & { regression?: boolean };

function options(threads: number, o: Options = {}): TrainLoopOptions {
  const d = data();
  return {
    model: resolveSpec(spec(), { featureShape: [FEATURES], outputUnits: 5 }),
    task: o.regression ? 'regression' : 'classification',
    train: { x: d.x, y: o.regression ? d.t : d.y, n: N },
    loss: o.regression ? 'mse' : 'cross_entropy',
    optimizer: { kind: 'adam' },
    epochs: 2,
    batchSize: 64,
    lr: 1e-3,
    schedule: { kind: 'constant' },
    shuffle: true,
    seed: 4,
    monitor: 'loss',
    patience: 0,
    minDelta: 0,
    restoreBest: false,
    provider: 'cpu',
    threads,
    ...o,
  };
}

async function run(
  threads: number,
  o: Options = {},
): Promise<{ params: Float32Array; logs: string[]; history: unknown }> {
  const logs: string[] = [];
  const r = await trainLoop({ ...options(threads, o), log: (m) => logs.push(m) });
  return { params: r.params, logs, history: r.history };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const dataParallel = (logs: string[]): boolean => logs.some((l) => l.startsWith('data-parallel training: 2 workers'));

describe('data-parallel training', () => {
  const optimizers: [string, OptimizerConfig, Options][] = [
    ['adam', { kind: 'adam' }, {}],
    ['adamw with weight decay', { kind: 'adamw' }, { weightDecay: 0.05 }],
    ['adam with gradient clipping', { kind: 'adam' }, { clipNorm: 0.05 }],
    ['sgd with weight decay', { kind: 'sgd' }, { weightDecay: 0.01, lr: 0.05 }],
    ['momentum', { kind: 'momentum' }, { lr: 0.05 }],
    ['nesterov', { kind: 'nesterov' }, { lr: 0.05 }],
    ['rmsprop', { kind: 'rmsprop' }, {}],
  ];
  it.each(optimizers)(
    'two workers reach the one-session parameters after 8 steps (%s)',
    async (_, optimizer, extra) => {
      const one = await run(1, { optimizer, ...extra });
      const two = await run(2, { optimizer, ...extra });
      expect(dataParallel(one.logs)).toBe(false);
      expect(dataParallel(two.logs)).toBe(true);
      expect(maxDiff(one.params, two.params)).toBeLessThan(2e-5);
      // the runs moved the weights far more than the tolerance
      const init = await run(1, { optimizer, ...extra, epochs: 0 });
      expect(maxDiff(one.params, init.params)).toBeGreaterThan(1e-3);
      expect(two.history).toEqual(
        (one.history as { metrics: Record<string, number> }[]).map((h) => ({
          ...h,
          metrics: Object.fromEntries(Object.entries(h.metrics).map(([k, v]) => [k, expect.closeTo(v, 4)])),
        })),
      );
    },
    60_000,
  );

  it('float targets (regression) and a pruning mask split the same way', async () => {
    const model = resolveSpec(spec(), { featureShape: [FEATURES], outputUnits: 5 });
    const P = model.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
    const mask = new Float32Array(P).map((_, i) => (i % 3 === 0 ? 0 : 1));
    const one = await run(1, { regression: true, mask: { initial: mask } });
    const two = await run(2, { regression: true, mask: { initial: mask } });
    expect(dataParallel(two.logs)).toBe(true);
    expect(maxDiff(one.params, two.params)).toBeLessThan(2e-5);
    for (let i = 0; i < P; i += 3) expect(Math.abs(two.params[i])).toBe(0);
  }, 60_000);

  it('distillation (teacher logits) and an autoencoder (no labels) split the same way', async () => {
    const r = seededRandom(11);
    const logits = new Float32Array(N * 5).map(() => 3 * r() - 1.5);
    const teacher = { teacher: { logits, temperature: 2, alpha: 0.5 } };
    const one = await run(1, teacher);
    const two = await run(2, teacher);
    expect(dataParallel(two.logs)).toBe(true);
    expect(maxDiff(one.params, two.params)).toBeLessThan(2e-5);

    const model = resolveSpec(
      {
        ...spec(),
        nodes: spec().nodes.map((n) => (n.id === 'out' ? { ...n, layer: { kind: 'dense', units: 'auto' } } : n)),
      },
      { featureShape: [FEATURES], outputUnits: FEATURES },
    );
    const auto: Options = { model, regression: true, target: 'input' };
    const ae1 = await run(1, auto);
    const ae2 = await run(2, auto);
    expect(dataParallel(ae2.logs)).toBe(true);
    expect(maxDiff(ae1.params, ae2.params)).toBeLessThan(2e-5);
  }, 60_000);

  it('a last batch of one row leaves one worker idle and still matches', async () => {
    const d = data();
    const n = 193;
    const train = { x: d.x.subarray(0, n * FEATURES), y: d.y.subarray(0, n), n };
    const one = await run(1, { train });
    const two = await run(2, { train });
    expect(dataParallel(two.logs)).toBe(true);
    expect(maxDiff(one.params, two.params)).toBeLessThan(2e-5);
  }, 60_000);

  it('sparse rows, batched by the trainer into shared buffers, split the same way', async () => {
    const d = data();
    const indptr = new Int32Array(N + 1);
    const indices: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < FEATURES; j++) {
        const v = d.x[i * FEATURES + j];
        if (v > 0) {
          indices.push(j);
          values.push(v);
        }
      }
      indptr[i + 1] = indices.length;
    }
    const sparse = {
      rows: N,
      cols: FEATURES,
      indptr,
      indices: Int32Array.from(indices),
      values: Float32Array.from(values),
    };
    const train = { x: new Float32Array(0), y: d.y, n: N, sparse };
    const one = await run(1, { train });
    const two = await run(2, { train });
    expect(dataParallel(two.logs)).toBe(true);
    expect(maxDiff(one.params, two.params)).toBeLessThan(2e-5);
    const dense = await run(1, {});
    expect(maxDiff(one.params, dense.params)).toBeGreaterThan(1e-4);
  }, 60_000);

  it('cancels between steps, keeping the best weights, and reports progress', async () => {
    const controller = new AbortController();
    const fractions: number[] = [];
    const r = await trainLoop({
      ...options(2, { epochs: 3 }),
      signal: controller.signal,
      progress: (f) => fractions.push(f),
      progressEveryMs: 0,
      onStep: (s) => {
        if (s === 6) controller.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.steps).toBe(6);
    expect(r.weightsEpoch).toBe(1);
    expect(fractions.length).toBeGreaterThanOrEqual(6);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBeCloseTo(6 / 12, 5);

    const early = new AbortController();
    await expect(
      trainLoop({
        ...options(2, { epochs: 3 }),
        signal: early.signal,
        onStep: (s) => {
          if (s === 2) early.abort();
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
  }, 60_000);

  it('keeps one session for batch statistics (BatchNorm)', async () => {
    const r = await run(2, {
      model: resolveSpec(spec([{ id: 'bn', layer: { kind: 'batchnorm' }, inputs: ['h'] }]), {
        featureShape: [FEATURES],
        outputUnits: 5,
      }),
    });
    expect(dataParallel(r.logs)).toBe(false);
  }, 60_000);
});

describe('planWorkers', () => {
  const mlp = resolveSpec(spec(), { featureShape: [FEATURES], outputUnits: 5 });
  it('counts forward multiply-adds from the weights', () => {
    expect(forwardMacs(mlp)).toBe(FEATURES * 512 + 512 * 5);
    const cnn = resolveSpec(
      {
        format: 'weft.model',
        name: 'cnn',
        output: 'out',
        nodes: [
          { id: 'c', layer: { kind: 'conv2d', filters: 8, kernelSize: 3 }, inputs: ['input'] },
          { id: 'f', layer: { kind: 'flatten' }, inputs: ['c'] },
          { id: 'out', layer: { kind: 'dense', units: 'auto' }, inputs: ['f'] },
        ],
      },
      { featureShape: [1, 10, 10], outputUnits: 2 },
    );
    expect(forwardMacs(cnn)).toBe(8 * 9 * 8 * 8 + 8 * 64 * 2);
  });

  it('splits a batch only when every slice carries enough work', () => {
    const macs = forwardMacs(mlp);
    expect(planWorkers({ threads: 1, batchSize: 128, macsPerSample: macs })).toBe(1);
    expect(planWorkers({ threads: 2, batchSize: 128, macsPerSample: macs })).toBe(2);
    expect(planWorkers({ threads: 8, batchSize: 128, macsPerSample: macs })).toBe(6);
    // auto keeps one session below 1.6·10⁷ MACs a slice (this MLP: 3.3·10⁶ at 64 rows)
    expect(planWorkers({ threads: 0, batchSize: 128, macsPerSample: macs, cores: 2 })).toBe(1);
    // a CNN-sized model (6.3·10⁵ MACs a sample): 2 workers of 64 rows; of 8 cores, 4 workers of 32 rows
    expect(planWorkers({ threads: 0, batchSize: 128, macsPerSample: 630_000, cores: 2 })).toBe(2);
    expect(planWorkers({ threads: 0, batchSize: 128, macsPerSample: 630_000, cores: 8 })).toBe(4);
    expect(planWorkers({ threads: 4, batchSize: 48, macsPerSample: macs, cores: 8 })).toBe(2);
    expect(planWorkers({ threads: 2, batchSize: 128, macsPerSample: macs, blocker: 'BatchNorm' })).toBe(1);
    // iris-sized: 4 features, 16 hidden, 3 classes, batch 16
    expect(planWorkers({ threads: 0, batchSize: 16, macsPerSample: 4 * 16 + 16 * 3, cores: 16 })).toBe(1);
    expect(planWorkers({ threads: 2, batchSize: 256, macsPerSample: 4 * 16 + 16 * 3 })).toBe(1);
  });
});
