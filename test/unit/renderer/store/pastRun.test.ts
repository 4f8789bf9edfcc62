import { beforeEach, describe, expect, it } from 'vitest';
import { emptyDocument, type NodeResultView, type StudioChannel } from '../../../../core/common';
import { RunRecordSchema, type RunRecord } from '../../../../core/common/runs';
import { setEngineClient } from '../../../../renderer/engine/client';
import { useStudio } from '../../../../renderer/store/useStudio';

const s = () => useStudio.getState();
const initial = useStudio.getState();

const view = (runId: string): NodeResultView => ({ nodeId: 'eval', runId, outputs: [] });

function fakeEngine() {
  const calls: { channel: string; params: unknown }[] = [];
  setEngineClient({
    invoke: <C extends StudioChannel>(channel: C, params: unknown) => {
      calls.push({ channel, params });
      const result =
        channel === 'engine.runResult'
          ? view((params as { runId: string }).runId)
          : channel === 'engine.result'
            ? view('live')
            : channel === 'engine.run'
              ? { ok: true, report: { runId: 'x', status: 'finished', durationMs: 1, nodes: {} } }
              : null;
      return Promise.resolve(result as never);
    },
    onEvent: () => () => undefined,
  });
  return calls;
}

const record: RunRecord = RunRecordSchema.parse({
  format: 'weft.run',
  formatVersion: 1,
  id: 'abc123-past',
  status: 'finished',
  startedAt: 1_700_000_000_000,
  owner: { pid: 1, host: 'h' },
  pipeline: { baseDir: '/ws', document: {} },
  environment: { weft: '0', node: '20', platform: 'linux', arch: 'x64' },
  nodes: {
    csv: { type: 'data.csv', version: 1, params: {}, status: 'cached', key: 'k1' },
    train: { type: 'train.trainer', version: 1, params: {}, status: 'done', key: 'k2', summary: { text: 'ok' } },
    eval: {
      type: 'eval.classification',
      version: 1,
      params: {},
      status: 'done',
      key: 'k3',
      summary: { metrics: { accuracy: 0.9 } },
    },
    export: { type: 'export.onnx', version: 1, params: {}, status: 'failed', error: 'disk full' },
    later: { type: 'export.onnx', version: 1, params: {}, status: 'pending' },
  },
  epochs: { train: [{ epoch: 1, metrics: { loss: 0.5 } }] },
});

beforeEach(() => {
  useStudio.setState(initial, true);
  const doc = emptyDocument('p');
  doc.nodes = ['csv', 'train', 'eval', 'export'].map((id, i) => ({
    id,
    type: record.nodes[id].type,
    version: 1,
    params: {},
    position: { x: i * 200, y: 0 },
  }));
  s().loadDocument(doc, { path: null, revision: null, readOnly: false });
});

describe('a past run shown with its pipeline', () => {
  it('takes node states, summaries and curves from the record and opens the evaluation’s results of that run', async () => {
    const calls = fakeEngine();
    s().showPastRun(record);
    expect(s().pastRun).toEqual({ id: 'abc123-past', startedAt: 1_700_000_000_000 });
    expect(s().runStatus).toBe('finished');
    expect(s().nodeRun).toEqual({
      csv: { status: 'cached' },
      train: { status: 'done', summary: { text: 'ok' } },
      eval: { status: 'done', summary: { metrics: { accuracy: 0.9 } } },
      export: { status: 'failed', error: 'disk full' },
    });
    expect(s().epochs).toEqual({ train: [{ epoch: 1, metrics: { loss: 0.5 } }] });
    expect(s().resultsNode).toBe('eval');
    expect(s().bottomTab).toBe('results');
    await expect.poll(() => s().results['eval']?.runId).toBe('abc123-past');
    expect(calls.filter((c) => c.channel.startsWith('engine.'))).toEqual([
      { channel: 'engine.runResult', params: { runId: 'abc123-past', nodeId: 'eval' } },
    ]);
  });

  it('a new run goes back to the live results', async () => {
    const calls = fakeEngine();
    s().showPastRun(record);
    await s().run();
    expect(s().pastRun).toBeNull();
    await s().fetchResult('eval');
    expect(calls.at(-1)).toEqual({ channel: 'engine.result', params: { nodeId: 'eval' } });
    expect(s().results['eval']?.runId).toBe('live');
  });

  it('loading another document forgets the past run', () => {
    fakeEngine();
    s().showPastRun(record);
    s().loadDocument(emptyDocument('q'), { path: null, revision: null, readOnly: false });
    expect(s().pastRun).toBeNull();
    expect(s().nodeRun).toEqual({});
  });
});
