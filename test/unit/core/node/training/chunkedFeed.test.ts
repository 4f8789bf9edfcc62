import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetValue, TableValue } from '../../../../../core/common';
import { pendingBytes } from '../../../../../core/common/deferFeatures';
import { mlpParams, mlpSpec } from '../../../../../core/common/nodes/model/mlp';
import { fitScaler } from '../../../../../core/common/nodes/prep/fitScaler';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';
import { splitParams } from '../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../core/common/nodes/prep/splitTable';
import { trainerParams, type TrainerParams } from '../../../../../core/common/nodes/train/trainer';
import { trainSpec } from '../../../../../core/node/executors/train/trainer';

const ROWS = 3000;

/** Two numeric columns (one with missing values), a category column and a label that depends on all three. */
function table(): TableValue {
  const r = seededRandom(12);
  const a = Float64Array.from({ length: ROWS }, (_, i) => (i % 9 ? r() * 4 - 2 : NaN));
  const b = Float64Array.from({ length: ROWS }, () => r() * 50);
  const c = Array.from({ length: ROWS }, () => 'pqrs'[Math.floor(r() * 4)]);
  const label = Float64Array.from({ length: ROWS }, (_, i) =>
    Number((a[i] || 0) + b[i] / 25 - 1 + (c[i] === 'p' ? 1 : 0) > 0),
  );
  return {
    rowCount: ROWS,
    columns: [
      { name: 'a', type: 'number', values: a },
      { name: 'b', type: 'number', values: b },
      { name: 'c', type: 'category', values: c },
      { name: 'label', type: 'integer', values: label },
    ],
  };
}

function dataset(): DatasetValue {
  const split = splitParams.parse({ target: 'label', task: 'classification', train: 0.8, validation: 0, test: 0.2 });
  return fitScaler(splitTable(table(), split).dataset, { columns: [] }, 'standardize');
}

const logs: string[] = [];
const host = {
  signal: new AbortController().signal,
  progress: () => undefined,
  log: (m: string) => void logs.push(m),
  epochMetrics: () => undefined,
  workspace: mkdtempSync(path.join(tmpdir(), 'weft-chunked-')),
  nodeId: 'chunked',
};

async function train(ds: DatasetValue, p: Partial<TrainerParams>, hidden = [16]) {
  const params = trainerParams.parse({ epochs: 3, batchSize: 64, lr: 0.05, seed: 7, ...p });
  const { trained } = await trainSpec(host, mlpSpec(mlpParams.parse({ hidden })), ds, params, 'test');
  return trained;
}

describe('the trainer fed a chunk of rows at a time from the raw columns', () => {
  for (const [name, p, hidden] of [
    ['a held-out validation part (validationFraction 0.1)', {}, [16]],
    ['no validation rows', { validationFraction: 0 }, [16]],
    ['two data-parallel workers', { threads: 2, validationFraction: 0 }, [256, 128]],
  ] as const) {
    it(`trains bit for bit as with x written first: ${name}`, async () => {
      const built = dataset();
      for (const s of Object.values(built.splits)) void s.x.length;
      const deferred = dataset();
      logs.length = 0;
      const a = await train(built, p, [...hidden]);
      const b = await train(deferred, p, [...hidden]);
      // the training split's x was never written: its rows went a chunk at a time
      expect(pendingBytes(deferred.splits.train)).toBe(deferred.splits.train.n * deferred.featureShape[0] * 4);
      expect(Object.keys(b.weights)).toEqual(Object.keys(a.weights));
      for (const k of Object.keys(a.weights))
        expect(Buffer.from(b.weights[k].buffer)).toEqual(Buffer.from(a.weights[k].buffer));
      expect(b.history).toEqual(a.history);
      expect(b.trainParams.validationRows).toBe(a.trainParams.validationRows);
      expect(logs.filter((m) => m.startsWith('data-parallel training: 2 workers')).length).toBe(
        p.threads === 2 ? 2 : 0,
      );
    });
  }
});
