import { describe, expect, it } from 'vitest';
import {
  curveData,
  curveMetrics,
  metricColumns,
  metricDeltas,
  metricDirection,
  metricOf,
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

  it('lists every metric name once, sorted, whichever node reported it', () => {
    expect(metricColumns(runs)).toEqual(['accuracy', 'f1']);
    expect(metricColumns([listing('x', { metrics: { 'trainer.loss': 1, 'eval2.loss': 2 } })])).toEqual(['loss']);
  });

  it('sorts by a metric either way, with missing and NaN values last', () => {
    expect(sortRuns(runs, 'metric:accuracy', 'desc').map((r) => r.id)).toEqual(['b', 'a', 'c', 'd']);
    expect(sortRuns(runs, 'metric:accuracy', 'asc').map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(sortRuns(runs, 'durationMs', 'asc').map((r) => r.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(sortRuns(runs, 'startedAt', 'desc').map((r) => r.id)).toEqual(['d', 'a', 'c', 'b']);
    expect(sortRuns(runs, 'status', 'asc').map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('metric columns by name', () => {
  it('takes an evaluation node over a trainer reporting the same name, and lists both with labels', () => {
    const r = listing('r', {
      metrics: { 'train.accuracy': 0.99, 'test_eval.accuracy': 0.9 },
      metricNodes: { train: { type: 'train.trainer' }, test_eval: { type: 'eval.classification', label: 'Test set' } },
    });
    expect(metricOf(r, 'accuracy')).toEqual({
      value: 0.9,
      node: 'test_eval',
      sources: [
        { node: 'test_eval', label: 'Test set (test_eval)', value: 0.9 },
        { node: 'train', label: 'train · train.trainer', value: 0.99 },
      ],
    });
    expect(metricOf(r, 'loss')).toBeUndefined();
  });

  it('knows which way each metric improves', () => {
    for (const m of ['loss', 'val_loss', 'log_loss', 'mse', 'rmse', 'mae', 'log_loss_train'])
      expect(metricDirection(m), m).toBe('down');
    for (const m of ['accuracy', 'val_accuracy', 'f1_macro', 'roc_auc', 'r2', 'balanced_accuracy', 'lr.accuracy_mean'])
      expect(metricDirection(m), m).toBe('up');
    for (const m of ['iterations', 'training_rows', 'lr.accuracy_std']) expect(metricDirection(m), m).toBeUndefined();
  });

  it('gives each run its change from the previous run of the same pipeline, better or worse by direction', () => {
    const runs = [
      listing('r3', { startedAt: 3, name: 'iris', metrics: { 'e.accuracy': 0.8, 't.loss': 0.5 } }),
      listing('r1', { startedAt: 1, name: 'iris', metrics: { 'e.accuracy': 0.9, 't.loss': 0.4 } }),
      listing('w1', { startedAt: 2, name: 'wine', metrics: { 'e.accuracy': 0.5 } }),
      listing('r4', { startedAt: 4, name: 'iris', metrics: { 'e.accuracy': 0.95, 't.loss': 0.5 } }),
    ];
    const acc = metricDeltas(runs, 'accuracy');
    expect([...acc.keys()].sort()).toEqual(['r3', 'r4']);
    expect(acc.get('r3')).toEqual({ delta: 0.8 - 0.9, from: 'r1', verdict: 'worse' });
    expect(acc.get('r4')?.verdict).toBe('better');
    expect(acc.get('r4')?.delta).toBeCloseTo(0.15, 12);
    const loss = metricDeltas(runs, 'loss');
    expect(loss.get('r3')).toMatchObject({ from: 'r1', verdict: 'worse' });
    expect(loss.get('r4')).toEqual({ delta: 0, from: 'r3', verdict: 'same' });
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
