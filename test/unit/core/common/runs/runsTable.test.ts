import { describe, expect, it } from 'vitest';
import {
  curveData,
  curveMetrics,
  metricColumns,
  RunRecordSchema,
  sortRuns,
  type RunListing,
  type RunRecord,
} from '../../../../../core/common/runs';

const listing = (id: string, over: Partial<RunListing> = {}): RunListing => ({
  id,
  status: 'finished',
  startedAt: 0,
  seed: null,
  metrics: {},
  providers: [],
  epochs: 0,
  ...over,
});

describe('runs table helpers', () => {
  const runs = [
    listing('a', { startedAt: 3, durationMs: 50, metrics: { 'eval.accuracy': 0.9 } }),
    listing('b', { startedAt: 1, metrics: { 'eval.accuracy': 0.95, 'eval.f1': 0.5 } }),
    listing('c', { startedAt: 2, durationMs: 10, metrics: { 'eval.accuracy': Number.NaN } }),
    listing('d', { startedAt: 4, status: 'interrupted' }),
  ];

  it('lists every metric column once, sorted', () => {
    expect(metricColumns(runs)).toEqual(['eval.accuracy', 'eval.f1']);
  });

  it('sorts by a metric either way, with missing and NaN values last', () => {
    expect(sortRuns(runs, 'metric:eval.accuracy', 'desc').map((r) => r.id)).toEqual(['b', 'a', 'c', 'd']);
    expect(sortRuns(runs, 'metric:eval.accuracy', 'asc').map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(sortRuns(runs, 'durationMs', 'asc').map((r) => r.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(sortRuns(runs, 'startedAt', 'desc').map((r) => r.id)).toEqual(['d', 'a', 'c', 'b']);
    expect(sortRuns(runs, 'status', 'asc').map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

function rec(id: string, epochs: RunRecord['epochs']): RunRecord {
  return RunRecordSchema.parse({
    format: 'weft.run',
    formatVersion: 1,
    id,
    status: 'finished',
    startedAt: 0,
    owner: { pid: 1, host: 'h' },
    pipeline: { baseDir: '/', document: {} },
    environment: { weft: '0', node: '20', platform: 'linux', arch: 'x64' },
    nodes: {},
    epochs,
  });
}

describe('learning curve data', () => {
  it('aligns runs of different lengths on one epoch axis, with gaps as null', () => {
    const a = rec('aaaaaaaaaa', {
      trainer: [1, 2, 3].map((epoch) => ({ epoch, metrics: { loss: 1 / epoch, accuracy: epoch / 4 } })),
    });
    const b = rec('bbbbbbbbbb', { trainer: [1, 2].map((epoch) => ({ epoch, metrics: { loss: 2 / epoch } })) });
    const c = rec('cccccccccc', {
      t1: [{ epoch: 1, metrics: { loss: Number.POSITIVE_INFINITY } }],
      t2: [{ epoch: 4, metrics: { loss: 0.25 } }],
    });
    expect(curveMetrics([a, b])).toEqual(['loss', 'accuracy']);
    const d = curveData([a, b, c], 'loss');
    expect(d.epochs).toEqual([1, 2, 3, 4]);
    expect(d.series).toEqual([
      { runId: 'aaaaaaaaaa', node: 'trainer', label: 'aaaaaaaa', values: [1, 0.5, 1 / 3, null] },
      { runId: 'bbbbbbbbbb', node: 'trainer', label: 'bbbbbbbb', values: [2, 1, null, null] },
      { runId: 'cccccccccc', node: 't1', label: 'cccccccc t1', values: [null, null, null, null] },
      { runId: 'cccccccccc', node: 't2', label: 'cccccccc t2', values: [null, null, null, 0.25] },
    ]);
    expect(curveData([b], 'accuracy')).toEqual({ epochs: [], series: [] });
  });
});
