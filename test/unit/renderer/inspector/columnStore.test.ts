import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyDocument, type StudioChannel, type UpstreamColumns } from '../../../../core/common';
import { setEngineClient } from '../../../../renderer/engine/client';
import { startColumnWatch, unknownColumns, useColumns } from '../../../../renderer/inspector/columnStore';
import { useStudio } from '../../../../renderer/store/useStudio';

const initial = useStudio.getState();
const cols = (...names: string[]): UpstreamColumns => ({
  ok: true,
  columns: names.map((name) => ({ name, type: 'number', count: 1, missing: 0 })),
});

/** An engine that answers each batched node with a column named after it, and records the requests. */
function fakeEngine(fail = false) {
  const calls: { channel: string; params: { nodeIds?: string[]; document?: unknown } }[] = [];
  setEngineClient({
    invoke: <C extends StudioChannel>(channel: C, params: unknown) => {
      calls.push({ channel, params: params as { nodeIds?: string[] } });
      if (fail) return Promise.reject(new Error('engine gone'));
      const ids = (params as { nodeIds: string[] }).nodeIds;
      return Promise.resolve(ids.map((id) => cols('x', `only_${id}`)) as never);
    },
    onEvent: () => () => undefined,
  });
  return calls;
}

/** One CSV node feeding `n` splits, the first split naming a column `target`. */
function loadSplits(n: number, target: string): void {
  const doc = emptyDocument('p');
  doc.nodes = [{ id: 'csv', type: 'data.csv', version: 1, params: { path: 'a.csv' }, position: { x: 0, y: 0 } }];
  for (let i = 0; i < n; i++) {
    doc.nodes.push({
      id: `s${i}`,
      type: 'prep.split',
      version: 1,
      params: i === 0 ? { target } : {},
      position: { x: 200, y: i * 100 },
    });
    doc.edges.push({ id: `e${i}`, source: { node: 'csv', port: 'table' }, target: { node: `s${i}`, port: 'table' } });
  }
  useStudio.getState().loadDocument(doc, { path: 'p.weft.json', revision: null, readOnly: false });
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('window', globalThis);
  useStudio.setState(initial, true);
  useColumns.setState({ byNode: {} });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the column watch', () => {
  it('reads the columns of N nodes in one request that carries the document once', async () => {
    const calls = fakeEngine();
    loadSplits(50, 'nope');
    const stop = startColumnWatch(400);
    await vi.advanceTimersByTimeAsync(399);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    stop();
    expect(calls).toHaveLength(1);
    expect(calls[0].channel).toBe('engine.columnsBatch');
    expect(calls[0].params.nodeIds).toEqual(Array.from({ length: 50 }, (_, i) => `s${i}`));
    expect(calls[0].params).toMatchObject({ documentPath: 'p.weft.json' });
    const byNode = useColumns.getState().byNode;
    expect(Object.keys(byNode)).toHaveLength(50);
    expect(byNode['s7']).toEqual(cols('x', 'only_s7'));
    expect(unknownColumns('prep.split', { target: 'nope' }, byNode['s0'])).toEqual(['nope']);
    expect(unknownColumns('prep.split', { target: 'only_s0' }, byNode['s0'])).toEqual([]);
  });

  it('asks again, once, after a param changes, and not while nodes only move', async () => {
    const calls = fakeEngine();
    loadSplits(3, 'x');
    const stop = startColumnWatch(400);
    await vi.advanceTimersByTimeAsync(400);
    useStudio.getState().onNodesChange([{ type: 'position', id: 's1', position: { x: 5, y: 5 }, dragging: true }]);
    await vi.advanceTimersByTimeAsync(400);
    expect(calls).toHaveLength(1);
    useStudio.getState().setParam('s2', 'target', 'x');
    await vi.advanceTimersByTimeAsync(400);
    stop();
    expect(calls).toHaveLength(2);
    expect(calls[1].params.nodeIds).toEqual(['s0', 's1', 's2']);
  });

  it('gives every node the reason when the request fails', async () => {
    fakeEngine(true);
    loadSplits(2, 'x');
    const stop = startColumnWatch(400);
    await vi.advanceTimersByTimeAsync(400);
    stop();
    expect(useColumns.getState().byNode).toEqual({
      s0: { ok: false, reason: 'engine gone' },
      s1: { ok: false, reason: 'engine gone' },
    });
  });
});
