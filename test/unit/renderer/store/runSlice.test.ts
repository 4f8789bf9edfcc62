import { beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../core/common';
import { useStudio } from '../../../../renderer/store/useStudio';

const s = () => useStudio.getState();
const apply = (...events: EngineEvent[]): void => events.forEach((e) => s().applyEvent(e));

beforeEach(() => {
  s().resetRun();
  useStudio.setState({ runId: 'r1', running: true });
});

describe('engine events in the run slice', () => {
  it('moves each node through queued, running with progress, and done or cached, with its summary', () => {
    apply({ type: 'run.started', runId: 'r1', nodeIds: ['a', 'b', 'c'], at: 0 });
    expect(Object.values(s().nodeRun).map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
    apply(
      { type: 'node.cached', runId: 'r1', nodeId: 'a' },
      { type: 'node.started', runId: 'r1', nodeId: 'b' },
      { type: 'node.progress', runId: 'r1', nodeId: 'b', fraction: 0.25, message: 'epoch 1/4' },
    );
    expect(s().nodeRun['a']).toEqual({ status: 'cached' });
    expect(s().nodeRun['b']).toEqual({ status: 'running', fraction: 0.25, message: 'epoch 1/4' });
    apply({ type: 'node.finished', runId: 'r1', nodeId: 'b', durationMs: 5, summary: { metrics: { accuracy: 0.9 } } });
    expect(s().nodeRun['b']).toEqual({ status: 'done', fraction: 1, summary: { metrics: { accuracy: 0.9 } } });
    expect(s().logs.map((l) => `${l.nodeId}:${l.message}`)).toEqual(['a:cached', 'b:done in 5 ms']);
  });

  it('tells a cancelled node (and its dependants) from a failed one by the event type alone', () => {
    apply(
      { type: 'node.cancelled', runId: 'r1', nodeId: 'a' },
      { type: 'node.cancelled', runId: 'r1', nodeId: 'b', upstream: 'a' },
      { type: 'node.failed', runId: 'r1', nodeId: 'c', error: 'data.csv: iris.csv not found' },
      { type: 'node.failed', runId: 'r1', nodeId: 'd', error: 'cancelled' },
    );
    expect(['a', 'b', 'c', 'd'].map((id) => s().nodeRun[id]?.status)).toEqual([
      'cancelled',
      'cancelled',
      'failed',
      'failed',
    ]);
    expect(s().nodeRun['b']).toEqual({ status: 'cancelled', message: 'not run: upstream node a cancelled' });
    expect(s().logs.map((l) => `${l.level} ${l.nodeId}: ${l.message}`)).toEqual([
      'warn a: cancelled',
      'warn b: not run: upstream node a cancelled',
      'error c: data.csv: iris.csv not found',
      'error d: cancelled',
    ]);
  });

  it('keeps training curves per node in epoch order, and ignores events of another run', () => {
    apply(
      { type: 'epoch.metrics', runId: 'r1', nodeId: 't', epoch: 1, metrics: { loss: 1 } },
      { type: 'epoch.metrics', runId: 'old', nodeId: 't', epoch: 9, metrics: { loss: 9 } },
      { type: 'node.started', runId: 'old', nodeId: 'x' },
      { type: 'epoch.metrics', runId: 'r1', nodeId: 't', epoch: 2, metrics: { loss: 0.5 } },
    );
    expect(s().epochs['t']?.map((e) => e.epoch)).toEqual([1, 2]);
    expect(s().nodeRun['x']).toBeUndefined();
  });

  it('keeps each search trial as of its latest update, in trial order', () => {
    const base = { of: 3, params: { 'train.lr': 0.01 }, metric: 'accuracy', maximize: true };
    apply(
      { type: 'search.trial', runId: 'r1', nodeId: 's', trial: { ...base, index: 1, status: 'running' } },
      { type: 'search.trial', runId: 'r1', nodeId: 's', trial: { ...base, index: 0, status: 'running' } },
      { type: 'search.trial', runId: 'r1', nodeId: 's', trial: { ...base, index: 1, status: 'pruned', epoch: 1 } },
      { type: 'search.trial', runId: 'old', nodeId: 's', trial: { ...base, index: 2, status: 'running' } },
    );
    expect(s().trials['s']?.map((t) => `${t.index}:${t.status}`)).toEqual(['0:running', '1:pruned']);
  });
});
