import { describe, expect, it } from 'vitest';
import type { TableValue } from '../../../../core/common';
import { pendingBytes } from '../../../../core/common/deferFeatures';
import { tableFingerprint } from '../../../../core/common/nodes/data/tableFingerprint';
import { fitEncoder } from '../../../../core/common/nodes/prep/fitEncoder';
import { fitScaler } from '../../../../core/common/nodes/prep/fitScaler';
import { fitImputer } from '../../../../core/common/nodes/prep/impute';
import { splitParams } from '../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../core/common/nodes/prep/splitTable';
import { estimateBytes } from '../../../../core/node/engine/cacheCodec';

/** 10 rows: x = 0..9 with row 3 missing, c alternating a/b, label = row parity. */
function table(): TableValue {
  const x = Float64Array.from({ length: 10 }, (_, i) => (i === 3 ? NaN : i));
  return {
    rowCount: 10,
    columns: [
      { name: 'x', type: 'number', values: x },
      { name: 'c', type: 'category', values: Array.from({ length: 10 }, (_, i) => (i % 2 ? 'b' : 'a')) },
      { name: 'y', type: 'integer', values: Float64Array.from({ length: 10 }, (_, i) => i % 2) },
    ],
  };
}

const params = splitParams.parse({ target: 'y', task: 'regression', train: 0.8, validation: 0, test: 0.2, seed: 1 });

describe('x written on first read', () => {
  it('split → impute → standardize → ordinal leaves x unwritten until the last dataset is read, then writes it once', () => {
    const split = splitTable(table(), params).dataset;
    const imputed = fitImputer(split, { columns: [], strategy: 'median', fillValue: '0' });
    const scaled = fitScaler(imputed, { columns: ['x'] }, 'standardize');
    const coded = fitEncoder(scaled, 'ordinal', { columns: [], unknown: -1 });
    for (const ds of [split, imputed, scaled, coded])
      for (const s of Object.values(ds.splits)) expect(pendingBytes(s)).toBe(s.n * ds.featureShape[0] * 4);
    // the cache's size estimate counts the unwritten x at its size without writing it
    const train = coded.splits.train;
    expect(estimateBytes(train)).toBeGreaterThanOrEqual(train.n * 2 * 4);
    expect(pendingBytes(train)).toBeDefined();

    const x = train.x;
    expect(pendingBytes(train)).toBeUndefined();
    expect(train.x).toBe(x);
    const imp = coded.transforms.find((t) => t.kind === 'impute')!;
    const std = coded.transforms.find((t) => t.kind === 'standardize')!;
    if (imp.kind !== 'impute' || std.kind !== 'standardize') throw new Error('missing steps');
    const rows = train.rawRows!;
    for (let k = 0; k < train.n; k++) {
      const raw = rows[k] === 3 ? (imp.value as number) : rows[k];
      expect(x[2 * k]).toBe(Math.fround((raw - std.mean) / std.std));
      expect(x[2 * k + 1]).toBe(rows[k] % 2);
    }
    // the datasets before it keep theirs unwritten
    expect(pendingBytes(scaled.splits.train)).toBeDefined();
  });

  it("the dataset's table fingerprint is computed when first read, through every step", () => {
    const t = table();
    const split = splitTable(t, params).dataset;
    const scaled = fitScaler(split, { columns: ['x'] }, 'standardize');
    for (const ds of [split, scaled]) expect(Object.getOwnPropertyDescriptor(ds, 'fingerprint')?.get).toBeDefined();
    // the cache's size estimate (run on every result to choose what goes to disk) does not compute it
    expect(estimateBytes(scaled)).toBeGreaterThan(0);
    expect(Object.getOwnPropertyDescriptor(scaled, 'fingerprint')?.get).toBeDefined();
    expect(scaled.fingerprint).toBe(tableFingerprint(t));
    expect(Object.getOwnPropertyDescriptor(scaled, 'fingerprint')?.value).toBe(tableFingerprint(t));
    expect(split.fingerprint).toBe(tableFingerprint(t));
  });

  it('a copy of a split (spread) carries its x written', () => {
    const split = splitTable(table(), params).dataset.splits.test;
    const copy = { ...split };
    expect(copy.x).toBeInstanceOf(Float32Array);
    expect(Object.getOwnPropertyDescriptor(copy, 'x')?.get).toBeUndefined();
    expect(copy.x).toEqual(split.x);
  });
});
