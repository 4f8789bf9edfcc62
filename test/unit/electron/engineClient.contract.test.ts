import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { WeftDesktopApi } from '../../../core/common';
import { createDefaultEngine } from '../../../core/node/defaultEngine';
import { startStudioServer, type RunningStudio } from '../../../core/node/studio/StudioServer';
import { createWeftMain } from '../../../electron/main/createMain';
import { createPreloadApi } from '../../../electron/preload/createPreloadApi';
import type { EngineClient } from '../../../renderer/engine/EngineClient';
import { createHttpEngineClient } from '../../../renderer/engine/HttpEngineClient';
import { createIpcEngineClient } from '../../../renderer/engine/ipcTransport';
import { buildElectronBundles, forkEngineHost } from './engineHostProcess';
import { engineClientContract, prepareWorkspace, type ContractTarget } from './engineClientContract';
import { fakeElectron, FakeWindow, type FakeElectron } from './fakeElectron';

const tmp = (p: string): string => mkdtempSync(path.join(os.tmpdir(), p));

describe('EngineClient over Electron IPC (preload → main → engine host process)', () => {
  let bundle: ReturnType<typeof buildElectronBundles>;
  let e: FakeElectron;
  let target: ContractTarget;
  let api: WeftDesktopApi;
  beforeAll(async () => {
    bundle = buildElectronBundles();
    const workspace = tmp('weft-ipc-ws-');
    prepareWorkspace(workspace);
    e = fakeElectron({ spawn: () => forkEngineHost(bundle.dir, workspace) });
    await createWeftMain(e, {
      electronDir: bundle.dir,
      rendererDir: tmp('weft-r-'),
      workspace,
      argv: ['weft'],
      cwd: '/',
      platform: 'linux',
    }).ready;
    const wc = FakeWindow.all.at(-1)!.webContents;
    const wrapped = new Map<unknown, (channel: string, payload: unknown) => void>();
    api = createPreloadApi({
      contextBridge: { exposeInMainWorld: () => {} },
      ipcRenderer: {
        // Like Electron: arguments and answers are structured-cloned across the process boundary.
        invoke: async (channel, ...args) => {
          const h = e.state.handlers.get(channel)!;
          return structuredClone(
            await h({ sender: { id: wc.id }, senderFrame: { url: 'app://weft/index.html' } }, ...structuredClone(args)),
          );
        },
        on: (channel, l) => {
          const w = (c: string, payload: unknown): void => void (c === channel && l({}, payload));
          wrapped.set(l, w);
          wc.on('ipc-send', w);
        },
        removeListener: (_channel, l) => void wc.off('ipc-send', wrapped.get(l)!),
      },
      webUtils: { getPathForFile: () => '' },
    });
    target = { client: createIpcEngineClient(api), workspace, transport: 'ipc' };
  });
  afterAll(() => {
    e.appEvents.emit('window-all-closed');
    bundle.remove();
  });
  engineClientContract(() => target);

  it('runs a pipeline opened through the dialog from outside the workspace, resolving its data next to it; refuses an unopened one', async () => {
    const elsewhere = tmp('weft-elsewhere-');
    prepareWorkspace(elsewhere);
    const file = path.join(elsewhere, 'p.weft.json');
    const doc = {
      format: 'weft.pipeline',
      version: 2,
      metadata: {},
      nodes: [{ id: 'csv', type: 'data.csv', version: 1, params: { path: 'iris.csv' }, position: { x: 0, y: 0 } }],
      edges: [],
    };
    writeFileSync(file, JSON.stringify(doc));
    const stranger = tmp('weft-stranger-');
    await expect(
      target.client.invoke('engine.run', { document: doc, documentPath: path.join(stranger, 'x.weft.json') }),
    ).rejects.toMatchObject({ status: 403 });
    e.state.dialogAnswers.push({ canceled: false, filePaths: [file] });
    const opened = await api.invoke('dialog.openPipeline', {});
    expect(opened).toMatchObject({ ok: true, result: { path: file } });
    const run = await target.client.invoke('engine.run', { document: doc, documentPath: file });
    expect(run.ok && run.report.status).toBe('finished');
  });
});

describe('EngineClient over HTTP + WebSocket (weft studio server)', () => {
  let studio: RunningStudio;
  let target: ContractTarget;
  let closed = false;
  beforeAll(async () => {
    const workspace = tmp('weft-http-ws-');
    prepareWorkspace(workspace);
    studio = await startStudioServer({
      workspace,
      rendererDir: tmp('weft-r-'),
      engine: createDefaultEngine(workspace),
      version: 'test',
      port: 0,
    });
    // The browser globals the transport uses: a WebSocket (Node 20 has none) that, like a browser's, never throws on errors.
    class BrowserLikeWebSocket extends NodeWebSocket {
      constructor(url: string | URL, protocols?: string[]) {
        super(url, protocols);
        this.on('error', () => {});
      }
    }
    Object.assign(globalThis, {
      WebSocket: BrowserLikeWebSocket,
      window: { setTimeout: (fn: () => void, ms: number) => (closed ? 0 : setTimeout(fn, ms)) },
    });
    const client: EngineClient = createHttpEngineClient(new URL(studio.url));
    await new Promise<void>((resolve) => client.onConnection!((c) => c && resolve()));
    target = { client, workspace, transport: 'http' };
  });
  afterAll(async () => {
    closed = true;
    await studio.close();
  });
  engineClientContract(() => target);
});
