import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allInvokeChannels,
  desktopIpcApi,
  eventChannels,
  invokeChannels,
  preloadInvokeChannels,
  studioApi,
  type AnyInvokeChannel,
  type DesktopInvokeChannel,
  type DesktopIpcChannel,
  type EngineChannel,
  type EngineInvokeChannel,
  type EventChannel,
  type HostChannel,
  type HostInvokeChannel,
  type InvokeChannel,
  type IpcEventMap,
  type PageIpcChannel,
  type RunsChannel,
  type ServingChannel,
  type StudioChannel,
  type WeftDesktopApi,
} from '../../../core/common';
import { createWeftMain } from '../../../electron/main/createMain';
import type { InvokeHandlers } from '../../../electron/main/ipcHandlers';
import {
  createPreloadApi,
  installPipelineDrop,
  type PreloadElectron,
} from '../../../electron/preload/createPreloadApi';
import type { createIpcEngineClient } from '../../../renderer/engine/ipcTransport';
import { fakeElectron, FakeWindow } from './fakeElectron';

/* Type-level contract: `npm run lint` type-checks this file, so a missing or extra channel anywhere fails the build. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeChecks: {
  /** The run-time name lists (preload whitelist, engine host) name every channel of the one contract map. */
  lists: Equal<AnyInvokeChannel, DesktopIpcChannel>;
  /** Every studio channel (engine, host, runs) is an IPC channel, plus the desktop ones, nothing else. */
  invoke: Equal<InvokeChannel, StudioChannel | DesktopInvokeChannel>;
  page: Equal<InvokeChannel, PageIpcChannel>;
  engineSide: Equal<EngineInvokeChannel, EngineChannel | RunsChannel | ServingChannel>;
  hostSide: Equal<HostInvokeChannel, HostChannel>;
  /** Main's handlers cover exactly the contract's channels. */
  handlers: Equal<keyof InvokeHandlers, DesktopIpcChannel>;
  events: Equal<keyof IpcEventMap, EventChannel>;
  /** The renderer's transport takes the very api the preload builds. */
  rendererApi: Equal<Parameters<typeof createIpcEngineClient>[0], ReturnType<typeof createPreloadApi>>;
  preloadApi: Equal<ReturnType<typeof createPreloadApi>, WeftDesktopApi>;
} = {
  lists: true,
  invoke: true,
  page: true,
  engineSide: true,
  hostSide: true,
  handlers: true,
  events: true,
  rendererApi: true,
  preloadApi: true,
};

describe('IPC contract', () => {
  it('channel lists at run time match the studio contract and the schemas', () => {
    expect(Object.values(typeChecks).every(Boolean)).toBe(true);
    const studio = Object.keys(studioApi).sort();
    expect(invokeChannels.filter((c) => !c.startsWith('dialog.') && !c.startsWith('window.')).sort()).toEqual(studio);
    expect(Object.keys(desktopIpcApi).sort()).toEqual([...allInvokeChannels].sort());
    expect(new Set(allInvokeChannels).size).toBe(allInvokeChannels.length);
    for (const c of Object.keys(studioApi) as StudioChannel[]) {
      expect(desktopIpcApi[c].params, c).toBe(studioApi[c].params);
    }
  });

  it('main registers a handler for every channel and no other', async () => {
    const e = fakeElectron();
    await createWeftMain(e, {
      electronDir: '/e',
      rendererDir: '/r',
      workspace: mkdtempSync(path.join(os.tmpdir(), 'weft-ws-')),
      argv: ['weft'],
      cwd: '/',
      platform: 'linux',
    }).ready;
    expect([...e.state.handlers.keys()].sort()).toEqual([...allInvokeChannels].sort());
  });

  it('main checks every message: sender, origin, argument count and params schema', async () => {
    const e = fakeElectron();
    await createWeftMain(e, {
      electronDir: '/e',
      rendererDir: '/r',
      workspace: mkdtempSync(path.join(os.tmpdir(), 'weft-ws-')),
      argv: ['weft'],
      cwd: '/',
      platform: 'linux',
    }).ready;
    const win = FakeWindow.all.at(-1)!;
    expect(await e.invoke('host.info', {}, 9999)).toMatchObject({
      ok: false,
      status: 403,
      error: expect.stringContaining('did not come from a Weft window'),
    });
    expect(await e.invoke('host.info', {}, win.webContents.id, 'https://evil.example/')).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await e.invoke('host.info', {}, win.webContents.id)).toMatchObject({
      ok: true,
      result: { transport: 'ipc', version: '0.1.0-test' },
    });
    const h = e.state.handlers.get('host.info')!;
    expect(
      await h({ sender: { id: win.webContents.id }, senderFrame: { url: 'app://weft/' } }, {}, 'extra'),
    ).toMatchObject({ ok: false, status: 400 });
    expect(await e.invoke('engine.cancel', { runId: '' })).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringMatching(/^engine\.cancel: invalid params: runId: /),
    });
    expect(await e.invoke('dialog.pickPath', { purpose: 'anything' })).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringContaining('purpose'),
    });
    expect(await e.invoke('dialog.pickPath', { purpose: 'dataset', sneaky: true })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(await e.invoke('pipeline.write', { path: 'x.txt', text: '', baseRevision: null })).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringContaining('*.weft.json'),
    });
    expect(await e.invoke('window.documentState', 'dirty')).toMatchObject({ ok: false, status: 400 });
    expect(e.state.dialogCalls).toHaveLength(0);
  });
});

function fakePreloadElectron() {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<(e: unknown, ...a: unknown[]) => void>>();
  const exposed: Record<string, unknown> = {};
  const pe: PreloadElectron = {
    contextBridge: { exposeInMainWorld: (k, api) => void (exposed[k] = api) },
    ipcRenderer: {
      invoke: async (channel, ...args) => {
        invoked.push({ channel, args });
        return { ok: true, result: channel };
      },
      on: (c, l) => listeners.set(c, (listeners.get(c) ?? new Set()).add(l)),
      removeListener: (c, l) => listeners.get(c)?.delete(l),
    },
    webUtils: { getPathForFile: (f) => `/dropped/${f.name}` },
  };
  const emit = (c: string, payload: unknown): void => {
    for (const l of listeners.get(c) ?? []) l({ sender: 'ipc' }, payload);
  };
  return { pe, invoked, listeners, exposed, emit };
}

describe('preload api', () => {
  it('is one frozen object with invoke, on and pathForFile; it refuses channels outside the contract', async () => {
    const { pe, invoked } = fakePreloadElectron();
    const api = createPreloadApi(pe);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'pathForFile']);
    expect(Object.isFrozen(api)).toBe(true);
    expect(await api.invoke('host.info', {})).toEqual({ ok: true, result: 'host.info' });
    expect(invoked).toEqual([{ channel: 'host.info', args: [{}] }]);
    for (const bad of [...preloadInvokeChannels, 'fs.readFile', '__proto__']) {
      expect(await api.invoke(bad as InvokeChannel, {})).toMatchObject({ ok: false, status: 400 });
    }
    expect(invoked).toHaveLength(1);
    expect(() => api.on('ipc.raw' as EventChannel, () => {})).toThrow(/unknown event channel/);
  });

  it('subscribes to events without leaking the Electron event object, and unsubscribes', () => {
    const { pe, emit, listeners } = fakePreloadElectron();
    const api = createPreloadApi(pe);
    const got: unknown[][] = [];
    const off = api.on('engine.status', (...args: unknown[]) => got.push(args));
    emit('engine.status', { state: 'restarted', message: 'm' });
    expect(got).toEqual([[{ state: 'restarted', message: 'm' }]]);
    off();
    expect(listeners.get('engine.status')!.size).toBe(0);
    expect(eventChannels).toContain('engine.status');
  });

  it('holds pipelines opened before the page subscribed and hands them to its first listener', () => {
    const { pe, emit } = fakePreloadElectron();
    const api = createPreloadApi(pe);
    const early = { path: '/a.weft.json', text: '{}', revision: 'r', source: 'os' as const };
    emit('pipeline.opened', early);
    const got: unknown[] = [];
    const off = api.on('pipeline.opened', (p) => got.push(p));
    expect(got).toEqual([early]);
    emit('pipeline.opened', { ...early, path: '/b.weft.json' });
    expect(got).toHaveLength(2);
    off();
    emit('pipeline.opened', { ...early, path: '/c.weft.json' });
    expect(got).toHaveLength(2);
  });

  it('opens dropped *.weft.json files itself and leaves other drops to the page', () => {
    const { pe, invoked } = fakePreloadElectron();
    let dropListener: ((ev: DragEvent) => void) | undefined;
    installPipelineDrop(pe, { addEventListener: (type, l) => type === 'drop' && (dropListener = l) });
    const drop = (names: string[]) => {
      let prevented = false;
      dropListener!({
        dataTransfer: { files: names.map((name) => ({ name }) as File) },
        preventDefault: () => (prevented = true),
        stopPropagation: () => {},
      } as unknown as DragEvent);
      return prevented;
    };
    expect(drop(['data.csv'])).toBe(false);
    expect(invoked).toHaveLength(0);
    expect(drop(['notes.txt', 'Iris.WEFT.json'])).toBe(true);
    expect(invoked).toEqual([{ channel: 'pipeline.openDropped', args: [{ path: '/dropped/Iris.WEFT.json' }] }]);
  });
});
