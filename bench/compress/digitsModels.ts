/**
 * The digits and the trained models the compress bench shares between its lines: the bundled
 * digits as a Weft dataset, and training through the trainer's own `trainSpec` (the code path
 * of the train.trainer node), distillation and fine-tuning included.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatasetValue, TrainedModelValue } from '../../core/common';
import { cnnParams, cnnSpec } from '../../core/common/nodes/model/cnn';
import { trainerParams, type TrainerParams } from '../../core/common/nodes/train/trainer';
import { trainSpec, type TrainExtras } from '../../core/node/executors/train/trainer';
import { loadDigits } from '../digits/digitsIdx';

/** The committed digits split (8,000 train, 2,000 test) as the data.idx reader gives it. */
export function digitsDataset(): DatasetValue {
  const { train, test } = loadDigits();
  return {
    task: 'classification',
    featureShape: [1, 28, 28],
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    splits: { train, test },
    transforms: [],
  };
}

/** A CNN of conv blocks `filters` and hidden dense layers `dense`. */
export const cnn = (filters: number[], dense: number[]) => cnnSpec(cnnParams.parse({ filters, dense }));

const host = {
  signal: new AbortController().signal,
  progress: () => undefined,
  log: () => undefined,
  epochMetrics: () => undefined,
  workspace: mkdtempSync(path.join(tmpdir(), 'weft-bench-compress-')),
  nodeId: 'bench',
};

/** Trains with Adam (batch 64, no validation split, one thread) through the trainer's code path. */
export async function train(
  spec: ReturnType<typeof cnn> | undefined,
  data: DatasetValue,
  p: Partial<TrainerParams>,
  extras: TrainExtras = {},
): Promise<TrainedModelValue> {
  const params = trainerParams.parse({
    batchSize: 64,
    lr: 0.001,
    epsilon: 1e-8,
    validationFraction: 0,
    provider: 'cpu',
    threads: 1,
    ...p,
  });
  return (await trainSpec(host, spec, data, params, 'bench', extras)).trained;
}
