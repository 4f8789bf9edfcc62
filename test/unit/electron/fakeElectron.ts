import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  Bounds,
  BrowserWindowLike,
  ElectronSurface,
  IpcInvokeEventLike,
  MenuItemOptions,
  UtilityProcessLike,
  WindowOptionsLike,
} from '../../../electron/main/electronSurface';

/** A web contents that records what is sent to it and the guards installed on it. */
export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((d: { url: string }) => { action: 'deny' } | { action: 'allow' }) | undefined;
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
    this.emit('ipc-send', channel, structuredClone(payload));
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.windowOpenHandler = h;
  }
  /** Emits a navigation-like event and says whether a guard prevented it. */
  attempt(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url = 'https://example.com/'): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
  eventsOn(channel: string): unknown[] {
    return this.sent.filter((s) => s.channel === channel).map((s) => s.payload);
  }
}

export class FakeWindow extends EventEmitter implements BrowserWindowLike {
  static all: FakeWindow[] = [];
  readonly webContents: FakeWebContents;
  readonly loaded: string[] = [];
  bounds: Bounds;
  maximized = false;
  minimized = false;
  destroyed = false;
  focused = 0;
  title = '';
  edited = false;
  constructor(readonly options: WindowOptionsLike) {
    super();
    this.webContents = new FakeWebContents();
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    FakeWindow.all.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
  getNormalBounds(): Bounds {
    return { ...this.bounds };
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  maximize(): void {
    this.maximized = true;
  }
  restore(): void {
    this.minimized = false;
  }
  show(): void {}
  focus(): void {
    this.focused++;
  }
  /** Like Electron: `close` may be prevented; otherwise the window is destroyed and `closed` fires. */
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    this.emit('closed');
  }
  setTitle(t: string): void {
    this.title = t;
  }
  setDocumentEdited(e: boolean): void {
    this.edited = e;
  }
}

/** A utility process that never answers; tests that need a real engine use `forkEngineHost`. */
export class SilentProcess extends EventEmitter implements UtilityProcessLike {
  readonly posted: unknown[] = [];
  killed = false;
  postMessage(m: unknown): void {
    this.posted.push(m);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

type DialogAnswer = { canceled: boolean; filePaths?: string[]; filePath?: string; response?: number };

export interface FakeElectron extends ElectronSurface {
  state: {
    lock: boolean;
    quit: number;
    recentOs: string[];
    menu: MenuItemOptions[] | undefined;
    schemes: unknown[];
    protocolHandlers: Map<string, (r: Request) => Response | Promise<Response>>;
    handlers: Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>;
    dialogCalls: { kind: string; options: Record<string, unknown> }[];
    dialogAnswers: DialogAnswer[];
    permissionRequest?: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void;
    permissionCheck?: (wc: unknown, permission: string) => boolean;
    beforeRequest?: (d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void;
    headersReceived?: (
      d: { url: string; responseHeaders?: Record<string, string[]> },
      cb: (r: { responseHeaders?: Record<string, string[]> }) => void,
    ) => void;
    forks: { modulePath: string; options: unknown; child: UtilityProcessLike }[];
    userData: string;
    documents: string;
  };
  appEvents: EventEmitter;
  /** Invokes an IPC channel as a renderer would (from the given web contents id). */
  invoke(channel: string, params: unknown, senderId?: number, url?: string): Promise<unknown>;
}

export function fakeElectron(
  opts: { lock?: boolean; spawn?: () => UtilityProcessLike; packaged?: boolean } = {},
): FakeElectron {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'weft-electron-'));
  const state: FakeElectron['state'] = {
    lock: opts.lock ?? true,
    quit: 0,
    recentOs: [],
    menu: undefined,
    schemes: [],
    protocolHandlers: new Map(),
    handlers: new Map(),
    dialogCalls: [],
    dialogAnswers: [],
    forks: [],
    userData: path.join(tmp, 'userData'),
    documents: path.join(tmp, 'Documents'),
  };
  const appEvents = new EventEmitter();
  FakeWindow.all = [];
  const answer = (kind: string, options: Record<string, unknown>): DialogAnswer => {
    state.dialogCalls.push({ kind, options });
    return state.dialogAnswers.shift() ?? { canceled: true, filePaths: [] };
  };
  const e: FakeElectron = {
    state,
    appEvents,
    app: {
      isPackaged: opts.packaged ?? false,
      requestSingleInstanceLock: () => state.lock,
      whenReady: async () => {},
      quit: () => void state.quit++,
      getPath: (name) => (name === 'userData' ? state.userData : state.documents),
      getAppPath: () => tmp,
      getVersion: () => '0.1.0-test',
      addRecentDocument: (p) => void state.recentOs.push(p),
      clearRecentDocuments: () => void (state.recentOs = []),
      on: (event: string, listener: (...args: never[]) => void) =>
        appEvents.on(event, listener as (...a: unknown[]) => void),
    },
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel, listener) => {
        if (state.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        state.handlers.set(channel, listener);
      },
      removeHandler: (channel) => void state.handlers.delete(channel),
    },
    dialog: {
      showOpenDialog: async (_w, options) => {
        const a = answer('open', options);
        return { canceled: a.canceled, filePaths: a.filePaths ?? [] };
      },
      showSaveDialog: async (_w, options) => {
        const a = answer('save', options);
        return { canceled: a.canceled, ...(a.filePath ? { filePath: a.filePath } : {}) };
      },
      showMessageBox: async (_w, options) => ({ response: answer('message', options).response ?? 0 }),
    },
    Menu: {
      buildFromTemplate: (t) => t,
      setApplicationMenu: (m) => void (state.menu = m as MenuItemOptions[]),
    },
    utilityProcess: {
      fork: (modulePath, _args, options) => {
        const child = opts.spawn ? opts.spawn() : new SilentProcess();
        state.forks.push({ modulePath, options, child });
        return child;
      },
    },
    shell: { openExternal: async () => {} },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h) => void (state.permissionRequest = h ?? undefined),
        setPermissionCheckHandler: (h) => void (state.permissionCheck = h ?? undefined),
        webRequest: {
          onBeforeRequest: (l) => void (state.beforeRequest = l),
          onHeadersReceived: (l) => void (state.headersReceived = l),
        },
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (s) => void state.schemes.push(...s),
      handle: (scheme, h) => void state.protocolHandlers.set(scheme, h),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    invoke: async (channel, params, senderId, url = 'app://weft/index.html') => {
      const h = state.handlers.get(channel);
      if (!h) throw new Error(`no handler for ${channel}`);
      const id = senderId ?? FakeWindow.all.at(-1)?.webContents.id ?? -1;
      return h({ sender: { id }, senderFrame: { url } }, params);
    },
  };
  return e;
}

/** Clicks the menu item at a label path, e.g. ['File', 'Open…']. */
export function clickMenu(menu: MenuItemOptions[] | undefined, labels: string[]): void {
  let items = menu ?? [];
  let item: MenuItemOptions | undefined;
  for (const label of labels) {
    item = items.find((i) => i.label === label);
    if (!item) throw new Error(`no menu item ${labels.join(' > ')} (at ${label})`);
    items = item.submenu ?? [];
  }
  if (!item?.click) throw new Error(`${labels.join(' > ')} has no click`);
  item.click();
}

export const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Polls until `cond` holds (file reads in main take a few event-loop turns). */
export async function until(cond: () => boolean, what = 'condition', ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
