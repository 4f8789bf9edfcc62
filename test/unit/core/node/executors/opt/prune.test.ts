import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetValue, TrainedModelValue } from '../../../../../../core/common';
import { mlpParams, mlpSpec } from '../../../../../../core/common/nodes/model/mlp';
import { pruneParams, type PruneParams } from '../../../../../../core/common/nodes/opt/prune';
import { seededRandom } from '../../../../../../core/common/nodes/prep/random';
import { trainerNode, trainerParams, type TrainerParams } from '../../../../../../core/common/nodes/train/trainer';
import { UserError, type ExecutorResult } from '../../../../../../core/node/executors/Executor';
import { pruneExecutor } from '../../../../../../core/node/executors/opt/prune';
import { trainerExecutor } from '../../../../../../core/node/executors/train/trainer';
import { exportOnnx } from '../../../../../../core/node/export/exportOnnx';
import { syntheticRows } from '../../../../../../core/node/export/verifyRows';

function blobs(seed = 3): DatasetValue {
  const r = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: 3 }, () => Array.from({ length: 8 }, () => 2 * gauss()));
  const make = (n: number) => {
    const x = new Float32Array(n * 8);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let j = 0; j < 8; j++) x[i * 8 + j] = centers[y[i]][j] + gauss();
    }
    return { x, y, n };
  };
  return {
    task: 'classification',
    featureShape: [8],
    classNames: ['a', 'b', 'c'],
    splits: { train: make(300), test: make(150) },
    transforms: [],
  };
}

const ctx = (inputs: Record<string, unknown>, logs: string[] = []) => ({
  inputs,
  signal: new AbortController().signal,
  progress: () => undefined,
  log: (m: string) => logs.push(m),
  epochMetrics: () => undefined,
  nodeId: 'n',
  workspace: mkdtempSync(path.join(tmpdir(), 'weft-prune-')),
  baseDir: tmpdir(),
});

async function train(inputs: Record<string, unknown>, p: Partial<TrainerParams> = {}): Promise<TrainedModelValue> {
  const params = trainerParams.parse({ epochs: 8, batchSize: 32, lr: 0.01, provider: 'cpu', threads: 1, ...p });
  const r = await trainerExecutor({ ...ctx(inputs), params });
  return r.outputs.model as TrainedModelValue;
}

async function prune(model: TrainedModelValue, p: Partial<PruneParams>, data?: DatasetValue): Promise<ExecutorResult> {
  return pruneExecutor({ ...ctx({ model, ...(data ? { data } : {}) }), params: pruneParams.parse(p) });
}

const KERNELS = ['mlp/dense1/kernel', 'mlp/dense2/kernel', 'mlp/output/kernel'];
const zerosIn = (m: TrainedModelValue): number =>
  KERNELS.reduce((a, k) => a + m.weights[k].filter((v) => v === 0).length, 0);
const kernelSize = (m: TrainedModelValue): number => KERNELS.reduce((a, k) => a + m.weights[k].length, 0);

describe('opt.prune', () => {
  const data = blobs();
  let dense: TrainedModelValue;
  it('magnitude pruning reaches the sparsity exactly and reports before and after', async () => {
    dense = await train({ model: mlpSpec(mlpParams.parse({ hidden: [32, 16] })), data });
    const r = await prune(dense, { sparsity: 0.7 }, data);
    const pruned = r.outputs.model as TrainedModelValue;
    expect(zerosIn(pruned)).toBe(Math.round(0.7 * kernelSize(dense)));
    const m = r.summary!.metrics!;
    expect(m.parameters_after).toBe(m.parameters_before);
    expect(m.parameters_before - m.nonzero_after).toBe(Math.round(0.7 * kernelSize(dense)));
    expect(m.accuracy_before).toBeGreaterThan(0.9);
    expect(m.accuracy_after).toBeGreaterThan(0.5);
    expect(m.batch1_ms_after).toBeGreaterThan(0);
    expect(r.summary!.text).toMatch(/before: .*accuracy/);
  }, 60_000);

  it('fine-tuning through the trainer keeps the masks: pruned weights stay exactly zero', async () => {
    const pruned = (await prune(dense, { sparsity: 0.7 })).outputs.model as TrainedModelValue;
    const tuned = await train({ init: pruned, data }, { epochs: 3 });
    for (const k of KERNELS)
      pruned.weights[k].forEach((v, i) => {
        if (v === 0) expect(tuned.weights[k][i] === 0).toBe(true);
      });
    expect(zerosIn(tuned)).toBe(zerosIn(pruned));
    const moved = KERNELS.some((k) => tuned.weights[k].some((v, i) => v !== pruned.weights[k][i]));
    expect(moved).toBe(true);
    expect(tuned.pruning?.masks?.['mlp/dense1/kernel']).toBeDefined();
    expect(tuned.trainParams.fineTuned).toBe(true);
  }, 60_000);

  it('a gradual schedule starts from the dense weights and ends at the target sparsity', async () => {
    const pruned = (await prune(dense, { sparsity: 0.8, scope: 'layer', schedule: 'gradual' })).outputs
      .model as TrainedModelValue;
    const logs: string[] = [];
    const params = trainerParams.parse({ epochs: 4, batchSize: 32, lr: 0.01, provider: 'cpu', threads: 1 });
    const tuned = (await trainerExecutor({ ...ctx({ init: pruned, data }, logs), params })).outputs
      .model as TrainedModelValue;
    for (const k of KERNELS)
      expect(tuned.weights[k].filter((v) => v === 0).length).toBe(Math.round(0.8 * tuned.weights[k].length));
    expect(logs.join('\n')).toMatch(/gradual pruning of 3 kernels to sparsity 0.8 over the first 2 epochs/);
    expect(tuned.pruning?.dense).toBeUndefined();
  }, 60_000);

  it('structured pruning shrinks the layers and file, and the pruned model exports and verifies', async () => {
    const r = await prune(dense, { method: 'structured', sparsity: 0.5 }, data);
    const pruned = r.outputs.model as TrainedModelValue;
    const m = r.summary!.metrics!;
    expect(pruned.weights['mlp/dense1/kernel']).toHaveLength(8 * 16);
    expect(pruned.weights['mlp/dense2/kernel']).toHaveLength(16 * 8);
    expect(m.parameters_after).toBe(8 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
    expect(m.bytes_after).toBeLessThan(m.bytes_before);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'weft-prune-export-')), 'pruned.onnx');
    const report = await exportOnnx(pruned, { file, rows: syntheticRows(pruned, 20) });
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    const tuned = await train({ init: pruned, data }, { epochs: 2 });
    expect(tuned.weights['mlp/dense1/kernel']).toHaveLength(8 * 16);
  }, 60_000);

  it('the trainer refuses an init model without a Weft architecture, and needs a model or an init', async () => {
    const err = await train({ init: { ...dense, spec: { format: 'sklearn' } }, data }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/"init" has no Weft model architecture/);
    const inferred = trainerNode.inferOutputs!({
      params: trainerParams.parse({}),
      inputs: { data: { kind: 'Dataset' } },
    });
    expect(inferred).toEqual({
      error: expect.stringMatching(/connect a model spec on "model".*or a trained model on "init"/),
    });
  });

  it('refuses a sparsity outside [0, 1) with a clear message', async () => {
    const parsed = pruneParams.safeParse({ sparsity: 1 });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(/below 1/);
    const err = await pruneExecutor({
      ...ctx({ model: dense }),
      params: { ...pruneParams.parse({}), sparsity: 1.2 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/opt\.prune \(n\): sparsity must be in \[0, 1\), got 1\.2/);
  });
});
