/**
 * Training for the compress bench through the trainer's own `trainSpec` (the code path of the
 * train.trainer node), distillation and fine-tuning included.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatasetValue, TrainedModelValue } from '../../core/common';
import { cnnParams, cnnSpec } from '../../core/common/nodes/model/cnn';
import { trainerParams, type TrainerParams } from '../../core/common/nodes/train/trainer';
import { trainSpec, type TrainExtras } from '../../core/node/executors/train/trainer';

/** A CNN of conv blocks `filters`, hidden dense layers `dense` and `dropout` before the output layer. */
export const cnn = (filters: number[], dense: number[], dropout = 0) =>
  cnnSpec(cnnParams.parse({ filters, dense, dropout }));

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
