import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allInvokeChannels } from '../../../core/common';
import { buildElectronBundles } from './engineHostProcess';

/**
 * The built bundles, started the way Electron starts them but with a stand-in `electron` module:
 * main.cjs wires the real paths, preload.cjs runs in a sandbox-like context that can only require
 * `electron`, engine-host.cjs talks over a utilityProcess-style `process.parentPort`.
 */
describe('built Electron bundles', () => {
  let bundle: ReturnType<typeof buildElectronBundles>;
  beforeAll(() => {
    bundle = buildElectronBundles();
  });
  afterAll(() => bundle.remove());

  it('main.cjs starts: app scheme, sandboxed window on app://weft, every IPC channel, the engine host forked from its bundle', () => {
    const script = path.join(bundle.dir, 'smoke-main.cjs');
    writeFileSync(
      script,
      `
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-smoke-'));
const seen = { handlers: [], windows: [], forks: [], schemes: [], protocols: [] };
const app = new EventEmitter();
Object.assign(app, {
  isPackaged: true, requestSingleInstanceLock: () => true, whenReady: async () => {}, quit() {},
  getPath: (n) => path.join(tmp, n), getAppPath: () => tmp, getVersion: () => '9.9.9',
  addRecentDocument() {}, clearRecentDocuments() {},
});
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = Object.assign(new EventEmitter(), { id: 1, send() {}, setWindowOpenHandler() {} });
    seen.windows.push({ options, loaded: [] });
  }
  async loadURL(u) { seen.windows.at(-1).loaded.push(u); }
  getNormalBounds() { return { x: 0, y: 0, width: 800, height: 600 }; }
  isMaximized() { return false; } isMinimized() { return false; } isDestroyed() { return false; }
  maximize() {} restore() {} show() {} focus() {} close() {} setTitle() {} setDocumentEdited() {}
}
const electron = {
  app, BrowserWindow,
  ipcMain: { handle: (c) => seen.handlers.push(c), removeHandler() {} },
  dialog: {}, shell: {}, screen: { getAllDisplays: () => [] },
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu() {} },
  utilityProcess: { fork: (m, a, o) => { seen.forks.push({ m, serviceName: o.serviceName, workspace: o.env.WEFT_WORKSPACE }); return Object.assign(new EventEmitter(), { postMessage() {}, kill() { return true; } }); } },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, webRequest: { onBeforeRequest() {}, onHeadersReceived() {} } } },
  protocol: { registerSchemesAsPrivileged: (s) => seen.schemes.push(...s), handle: (s) => seen.protocols.push(s) },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? electron : load.call(this, request, ...rest); };
require(${JSON.stringify(path.join(bundle.dir, 'main.cjs'))});
setTimeout(() => { console.log(JSON.stringify(seen)); process.exit(0); }, 300);
`,
    );
    const seen = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' })) as {
      handlers: string[];
      windows: { options: { webPreferences: Record<string, unknown> }; loaded: string[] }[];
      forks: { m: string; serviceName: string; workspace: string }[];
      schemes: { scheme: string }[];
      protocols: string[];
    };
    expect(seen.schemes.map((s) => s.scheme)).toEqual(['app']);
    expect(seen.protocols).toEqual(['app']);
    expect(seen.windows).toHaveLength(1);
    expect(seen.windows[0].loaded).toEqual(['app://weft/index.html']);
    const wp = seen.windows[0].options.webPreferences;
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(wp.preload).toBe(path.join(bundle.dir, 'preload.cjs'));
    expect(existsSync(wp.preload as string)).toBe(true);
    expect(seen.forks).toHaveLength(1);
    expect(seen.forks[0].m).toBe(path.join(bundle.dir, 'engine-host.cjs'));
    expect(existsSync(seen.forks[0].m)).toBe(true);
    expect(seen.forks[0].workspace).toMatch(/documents[\\/]Weft$/);
    expect(seen.handlers.sort()).toEqual([...allInvokeChannels].sort());
  });

  it('preload.cjs needs nothing but electron and exposes exactly one api object', async () => {
    const code = readFileSync(path.join(bundle.dir, 'preload.cjs'), 'utf8');
    expect(code, 'the preload takes channel names only, not the zod schemas').not.toContain('ZodError');
    const exposed: Record<string, unknown> = {};
    const required: string[] = [];
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) },
      ipcRenderer: {
        invoke: async (...a: unknown[]) => (invoked.push(a), { ok: true, result: 1 }),
        on() {},
        removeListener() {},
      },
      webUtils: { getPathForFile: () => '/x' },
    };
    const module = { exports: {} };
    vm.runInNewContext(code, {
      module,
      exports: module.exports,
      require: (m: string) => {
        required.push(m);
        if (m !== 'electron') throw new Error(`a sandboxed preload cannot require ${m}`);
        return electron;
      },
      window: { addEventListener() {} },
    });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['weft']);
    const api = exposed.weft as { invoke(c: string, p: unknown): Promise<unknown> };
    expect(await api.invoke('engine.nodes', {})).toEqual({ ok: true, result: 1 });
    expect(invoked).toEqual([['engine.nodes', {}]]);
  });

  it('engine-host.cjs answers over process.parentPort, as in a utilityProcess', () => {
    const script = path.join(bundle.dir, 'smoke-host.cjs');
    writeFileSync(
      script,
      `
const { EventEmitter } = require('node:events');
const port = new EventEmitter();
const out = [];
port.postMessage = (m) => {
  out.push(m);
  if (m.type === 'ready') port.emit('message', { data: { type: 'request', id: 7, channel: 'engine.nodes', params: {} } });
  if (m.type === 'response') { console.log(JSON.stringify(out.map((x) => ({ type: x.type, id: x.id, ok: x.ok, n: Array.isArray(x.result) ? x.result.length : undefined })))); process.exit(0); }
};
process.parentPort = port;
require(${JSON.stringify(path.join(bundle.dir, 'engine-host.cjs'))});
`,
    );
    const out = JSON.parse(
      execFileSync(process.execPath, [script], {
        encoding: 'utf8',
        env: { ...process.env, WEFT_WORKSPACE: bundle.dir },
      }),
    ) as { type: string; id?: number; ok?: boolean; n?: number }[];
    expect(out[0].type).toBe('ready');
    expect(out[1]).toMatchObject({ type: 'response', id: 7, ok: true });
    expect(out[1].n).toBeGreaterThan(1);
  });
});
