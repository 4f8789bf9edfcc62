import { describe, expect, it } from 'vitest';
import { EngineRequestError } from '../../../renderer/engine/EngineClient';
import type { IpcEventMap, WeftDesktopApi } from '../../../core/common';
import { bindDesktopShell, createIpcEngineClient } from '../../../renderer/engine/ipcTransport';

function fakeApi(answer: (channel: string, params: unknown) => unknown) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api: WeftDesktopApi = {
    invoke: async (channel, params) => answer(channel, params) as never,
    on: (channel, l) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(l as (p: unknown) => void);
      listeners.set(channel, set);
      return () => void set.delete(l as (p: unknown) => void);
    },
    pathForFile: () => '',
  };
  const emit = <E extends keyof IpcEventMap>(channel: E, payload: IpcEventMap[E]): void => {
    for (const l of listeners.get(channel) ?? []) l(payload);
  };
  return { api, emit, listeners };
}

describe('IPC transport', () => {
  it('resolves results and turns error outcomes into EngineRequestError with their status', async () => {
    const { api } = fakeApi((channel) =>
      channel === 'engine.cancel'
        ? { ok: true, result: { cancelled: true } }
        : { ok: false, error: 'x.weft.json changed on disk', status: 409 },
    );
    const client = createIpcEngineClient(api);
    expect(await client.invoke('engine.cancel', { runId: 'r' })).toEqual({ cancelled: true });
    const err = await client
      .invoke('pipeline.write', { path: 'x.weft.json', text: '', baseRevision: 'a' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineRequestError);
    expect(err).toMatchObject({ status: 409, message: 'x.weft.json changed on disk' });
  });

  it('streams engine events; the connection drops only when the engine host gave up', () => {
    const { api, emit } = fakeApi(() => null);
    const client = createIpcEngineClient(api);
    const events: unknown[] = [];
    const off = client.onEvent((e) => events.push(e));
    emit('engine.event', { type: 'node.started', runId: 'r', nodeId: 'n' });
    off();
    emit('engine.event', { type: 'node.started', runId: 'r', nodeId: 'm' });
    expect(events).toEqual([{ type: 'node.started', runId: 'r', nodeId: 'n' }]);
    const states: boolean[] = [];
    client.onConnection!((c) => states.push(c));
    emit('engine.status', { state: 'restarted', message: 'restarted' });
    emit('engine.status', { state: 'failed', message: 'gave up' });
    expect(states).toEqual([true, true, false]);
  });

  it('routes menu commands, opened pipelines and engine status to the studio, and unbinds', () => {
    const { api, emit, listeners } = fakeApi(() => null);
    const got: string[] = [];
    const off = bindDesktopShell(api, {
      command: (c) => got.push(`command:${c}`),
      opened: (f) => got.push(`opened:${f.path}:${f.source}`),
      engineStatus: (s) => got.push(`status:${s.state}`),
    });
    emit('menu.command', { command: 'run' });
    emit('pipeline.opened', { path: '/a.weft.json', text: '{}', revision: 'r', source: 'os' });
    emit('engine.status', { state: 'restarted', message: 'm' });
    expect(got).toEqual(['command:run', 'opened:/a.weft.json:os', 'status:restarted']);
    off();
    expect([...listeners.values()].every((s) => s.size === 0)).toBe(true);
  });
});
