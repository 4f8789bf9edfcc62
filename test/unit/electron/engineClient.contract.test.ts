import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
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
  beforeAll(async () => {
    bundle = buildElectronBundles();
    const workspace = tmp('weft-ipc-ws-');
    prepareWorkspace(workspace);
    e = fakeElectron({ spawn: () => forkEngineHost(bundle.dir, workspace) });
    await createWeftMain(e, { electronDir: bundle.dir, rendererDir: tmp('weft-r-'), workspace, argv: ['weft'], cwd: '/', platform: 'linux' }).ready;
    const wc = FakeWindow.all.at(-1)!.webContents;
    const wrapped = new Map<unknown, (channel: string, payload: unknown) => void>();
    const api = createPreloadApi({
      contextBridge: { exposeInMainWorld: () => {} },
      ipcRenderer: {
        // Like Electron: arguments and answers are structured-cloned across the process boundary.
        invoke: async (channel, ...args) => {
          const h = e.state.handlers.get(channel)!;
          return structuredClone(await h({ sender: { id: wc.id }, senderFrame: { url: 'app://weft/index.html' } }, ...structuredClone(args)));
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
});

describe('EngineClient over HTTP + WebSocket (weft studio server)', () => {
  let studio: RunningStudio;
  let target: ContractTarget;
  let closed = false;
  beforeAll(async () => {
    const workspace = tmp('weft-http-ws-');
    prepareWorkspace(workspace);
    studio = await startStudioServer({ workspace, rendererDir: tmp('weft-r-'), engine: createDefaultEngine(workspace), version: 'test', port: 0 });
    // The browser globals the transport uses: a WebSocket (Node 20 has none) that, like a browser's, never throws on errors.
    class BrowserLikeWebSocket extends NodeWebSocket {
      constructor(url: string | URL) {
        super(url);
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
