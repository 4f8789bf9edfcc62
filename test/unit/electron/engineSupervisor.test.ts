import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineStatus } from '../../../core/common';
import { EngineSupervisor } from '../../../electron/main/engineSupervisor';
import { buildElectronBundles, forkEngineHost } from './engineHostProcess';
import { SilentProcess } from './fakeElectron';

const waitFor = async (cond: () => boolean, what: string, ms = 20_000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('engine supervisor with the real bundled engine host', () => {
  let bundle: ReturnType<typeof buildElectronBundles>;
  beforeAll(() => {
    bundle = buildElectronBundles();
  });
  afterAll(() => bundle.remove());

  it('answers requests, and after the host is killed mid-request restarts it, tells why, and keeps working', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'weft-host-'));
    const children: ReturnType<typeof forkEngineHost>[] = [];
    const statuses: EngineStatus[] = [];
    const sup = new EngineSupervisor({
      spawn: () => {
        const c = forkEngineHost(bundle.dir, workspace);
        children.push(c);
        return c;
      },
      onEvent: () => {},
      onStatus: (s) => statuses.push(s),
    });
    sup.start();
    try {
      const nodes = (await sup.request('engine.nodes', {})) as { type: string }[];
      expect(nodes.map((n) => n.type)).toContain('data.csv');

      const pending = sup.request('engine.validate', { document: { not: 'a pipeline' } });
      const bad = await pending;
      expect(bad).toMatchObject({ ok: false });

      const inFlight = sup.request('engine.nodes', {});
      children[0].signal('SIGKILL');
      await expect(inFlight).rejects.toMatchObject({
        status: 503,
        message: expect.stringMatching(/engine stopped unexpectedly.*pipeline is unchanged/i),
      });
      await waitFor(() => statuses.length > 0, 'a status');
      expect(statuses[0]).toMatchObject({ state: 'restarted', message: expect.stringMatching(/restarted/) });
      expect(children).toHaveLength(2);

      const again = (await sup.request('engine.nodes', {})) as { type: string }[];
      expect(again.length).toBe(nodes.length);
    } finally {
      sup.stop();
    }
  });

  it('runs a pipeline in the host and forwards its events in order', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'weft-host-'));
    const { copyFileSync } = await import('node:fs');
    copyFileSync(path.resolve('resources/data/iris.csv'), path.join(workspace, 'iris.csv'));
    const events: EngineEvent[] = [];
    const sup = new EngineSupervisor({
      spawn: () => forkEngineHost(bundle.dir, workspace),
      onEvent: (e) => events.push(e),
      onStatus: () => {},
    });
    sup.start();
    try {
      const doc = {
        format: 'weft.pipeline',
        version: 2,
        metadata: {},
        nodes: [
          { id: 'csv', type: 'data.csv', version: 1, params: { path: 'iris.csv' }, position: { x: 0, y: 0 } },
          { id: 'split', type: 'prep.split', version: 1, params: { target: 'species' }, position: { x: 200, y: 0 } },
        ],
        edges: [{ id: 'e1', source: { node: 'csv', port: 'table' }, target: { node: 'split', port: 'table' } }],
      };
      const result = (await sup.request('engine.run', { document: doc, runId: 'r1' })) as {
        ok: boolean;
        report: { status: string };
      };
      expect(result.ok).toBe(true);
      expect(result.report.status).toBe('finished');
      const types = events.map((e) => `${e.type}${'nodeId' in e ? `:${e.nodeId}` : ''}`);
      expect(types[0]).toBe('run.started');
      expect(types.at(-1)).toBe('run.finished');
      expect(types.indexOf('node.finished:csv')).toBeLessThan(types.indexOf('node.started:split'));
      expect(events.every((e) => e.runId === 'r1')).toBe(true);
    } finally {
      sup.stop();
    }
  });
});

describe('engine supervisor crash handling', () => {
  const setup = (maxCrashes = 3) => {
    const procs: SilentProcess[] = [];
    const events: EngineEvent[] = [];
    const statuses: EngineStatus[] = [];
    let now = 0;
    const sup = new EngineSupervisor({
      spawn: () => {
        const p = new SilentProcess();
        procs.push(p);
        return p;
      },
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
      maxCrashes,
      now: () => (now += 1000),
    });
    sup.start();
    return { sup, procs, events, statuses };
  };

  it('marks the nodes of a run that was open when the host died as failed, then the run', () => {
    const { procs, events } = setup();
    const p = procs[0];
    p.emit('message', {
      type: 'event',
      event: { type: 'run.started', runId: 'r', nodeIds: ['a', 'b', 'c', 'd'], at: 0 },
    });
    p.emit('message', { type: 'event', event: { type: 'node.finished', runId: 'r', nodeId: 'a', durationMs: 1 } });
    p.emit('message', { type: 'event', event: { type: 'node.cancelled', runId: 'r', nodeId: 'd' } });
    p.emit('exit', 134);
    const after = events.slice(3);
    expect(after.map((e) => e.type)).toEqual(['node.failed', 'node.failed', 'run.finished']);
    expect(after.filter((e) => e.type === 'node.failed').map((e) => (e as { nodeId: string }).nodeId)).toEqual([
      'b',
      'c',
    ]);
    expect(after[0]).toMatchObject({ error: expect.stringContaining('exit code 134') });
    expect(after[2]).toMatchObject({ type: 'run.finished', runId: 'r', status: 'failed' });
    expect(procs).toHaveLength(2);
  });

  it('stops restarting after repeated deaths and says so; requests then fail with 503', async () => {
    const { sup, procs, statuses } = setup(3);
    procs[0].emit('exit', 1);
    procs[1].emit('exit', 1);
    procs[2].emit('exit', 1);
    expect(procs).toHaveLength(3);
    expect(statuses.map((s) => s.state)).toEqual(['restarted', 'restarted', 'failed']);
    expect(statuses[2].message).toMatch(/will not restart/);
    await expect(sup.request('engine.nodes', {})).rejects.toMatchObject({ status: 503 });
  });

  it('does not restart a host it stopped itself, and ignores malformed host messages', async () => {
    const { sup, procs, statuses } = setup();
    const req = sup.request('engine.nodes', {});
    procs[0].emit('message', { type: 'response', id: 'x' });
    procs[0].emit('message', { type: 'response', id: 1, ok: true, result: ['fine'] });
    await expect(req).resolves.toEqual(['fine']);
    sup.stop();
    procs[0].emit('exit', 0);
    expect(procs).toHaveLength(1);
    expect(statuses).toEqual([]);
    expect(procs[0].killed).toBe(true);
  });
});
