import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetValue, MetricsValue, TrainedModelValue } from '../../../../../core/common';
import { imagesParams } from '../../../../../core/common/nodes/data/images';
import { evalClassificationParams } from '../../../../../core/common/nodes/eval/classification';
import { mlpParams, mlpSpec } from '../../../../../core/common/nodes/model/mlp';
import { augmentParams } from '../../../../../core/common/nodes/prep/augment';
import { trainerParams } from '../../../../../core/common/nodes/train/trainer';
import { readRows, readRowsAt } from '../../../../../core/node/data/splitRows';
import { imagesExecutor } from '../../../../../core/node/executors/data/images';
import { evalClassificationExecutor } from '../../../../../core/node/executors/eval/classification';
import { augmentExecutor } from '../../../../../core/node/executors/prep/augment';
import { trainerExecutor } from '../../../../../core/node/executors/train/trainer';
import { trainValidation } from '../../../../../core/node/training/holdout';
import { executorContext } from '../../../../fixtures/executorContext';
import { writeDigitFolder } from './mnistDigits';

const root = mkdtempSync(path.join(tmpdir(), 'weft-lazy-images-'));
let eager: DatasetValue;
let lazy: DatasetValue;
const logs: string[] = [];

async function load(memoryBudgetMB: number): Promise<DatasetValue> {
  const params = imagesParams.parse({ path: 'digits', memoryBudgetMB, validation: 0.2, test: 0.25, seed: 3 });
  const r = await imagesExecutor(executorContext(params, { dir: root, log: (m) => logs.push(m) }));
  return r.outputs.dataset as DatasetValue;
}

async function train(data: DatasetValue): Promise<TrainedModelValue> {
  const params = trainerParams.parse({ epochs: 2, batchSize: 8, lr: 0.01, provider: 'cpu', threads: 1, seed: 11 });
  const r = await trainerExecutor(
    executorContext(params, { dir: root, inputs: { model: mlpSpec(mlpParams.parse({ hidden: [16] })), data } }),
  );
  return r.outputs.model as TrainedModelValue;
}

beforeAll(async () => {
  // 3 classes × 12 mnist digits as PNG: 36 × 784 float32 = 0.11 MB, above a 0.01 MB budget.
  await writeDigitFolder(path.join(root, 'digits'), [0, 1, 2], 12);
  eager = await load(64);
  lazy = await load(0.01);
});

describe('lazy image splits (folder above memoryBudgetMB, loaded per batch)', () => {
  it('keeps the same splits and labels, with files instead of features', () => {
    expect(logs.join('\n')).toMatch(/36 images need 0\.1 MB .* above memoryBudgetMB 0\.01: loading them per batch/);
    expect(Object.keys(lazy.splits)).toEqual(Object.keys(eager.splits));
    for (const [name, s] of Object.entries(lazy.splits)) {
      expect(eager.splits[name].lazy).toBeUndefined();
      expect(s.x).toHaveLength(0);
      expect(s.lazy?.files).toHaveLength(s.n);
      expect(Array.from(s.y)).toEqual(Array.from(eager.splits[name].y));
    }
  });

  it('readRows and readRowsAt decode exactly the floats the eager read holds', async () => {
    for (const [name, s] of Object.entries(lazy.splits)) {
      const e = eager.splits[name];
      const all = await readRows(s, 0, s.n);
      expect(all).toEqual(e.x);
      expect(await readRows(s, 1, 2)).toEqual(await readRows(e, 1, 2));
      const picks = Uint32Array.of(s.n - 1, 0, 2);
      const a = new Float32Array(3 * 784);
      const b = new Float32Array(3 * 784);
      await readRowsAt(s, picks, a);
      await readRowsAt(e, picks, b);
      expect(a).toEqual(b);
    }
  });

  it('trains to bit-identical weights and history (same batches, same validation)', async () => {
    const [we, wl] = [await train(eager), await train(lazy)];
    expect(Object.keys(wl.weights)).toEqual(Object.keys(we.weights));
    for (const k of Object.keys(we.weights)) expect(wl.weights[k]).toEqual(we.weights[k]);
    expect(wl.history).toEqual(we.history);
    expect(we.history[1].metrics.val_loss).toBeGreaterThan(0);

    for (const split of ['test', 'train']) {
      const params = evalClassificationParams.parse({ split, batchSize: 5 });
      const run = async (data: DatasetValue): Promise<MetricsValue> =>
        (await evalClassificationExecutor(executorContext(params, { inputs: { model: we, data } }))).outputs
          .metrics as MetricsValue;
      const [me, ml] = [await run(eager), await run(lazy)];
      expect(ml.scalars).toEqual(me.scalars);
      expect(ml.confusion).toEqual(me.confusion);
    }
  });

  it('a holdout from a lazy training split stays lazy', () => {
    const {
      train: t,
      validation: v,
      source,
    } = trainValidation({ ...lazy, splits: { train: lazy.splits.train } }, 0.25, 1);
    expect(source).toBe('holdout');
    expect(t.lazy?.files).toHaveLength(t.n);
    expect(v?.lazy?.files).toHaveLength(v!.n);
    expect(t.n + v!.n).toBe(lazy.splits.train.n);
    expect(new Set([...t.lazy!.files, ...v!.lazy!.files]).size).toBe(lazy.splits.train.n);
  });

  it('prep.augment refuses a lazy dataset, naming the budget', async () => {
    await expect(
      augmentExecutor(executorContext(augmentParams.parse({}), { inputs: { dataset: lazy }, nodeId: 'aug' })),
    ).rejects.toThrow(/node aug: prep\.augment needs the whole dataset in memory.*memoryBudgetMB/);
  });
});
