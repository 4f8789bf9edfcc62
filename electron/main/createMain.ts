import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type {
  EngineEvent,
  EngineInvokeChannel,
  EventChannel,
  IpcEventMap,
  MenuCommand,
  OpenedFile,
  StudioChannel,
  StudioResult,
} from '../../core/common';
import { HostService } from '../../core/node/studio/HostService';
import { createAppProtocolHandler } from './appProtocol';
import { DesktopFiles } from './desktopFiles';
import type { BrowserWindowLike, ElectronSurface } from './electronSurface';
import { EngineSupervisor } from './engineSupervisor';
import { registerIpcHandlers } from './ipcHandlers';
import { buildMenuTemplate } from './menu';
import { isPipelinePath, pipelineArgs } from './openFiles';
import { RecentDocuments } from './recentDocuments';
import { APP_ORIGIN, APP_SCHEME, hardenApp, hardenSession, hardenWebContents, secureWebPreferences } from './security';
import { windowStateKeeper } from './windowState';
import { withMallocTunables } from '../../bin/mallocTunables.js';

export interface WeftMainOptions {
  /** Folder of the built main, preload and engine-host bundles. */
  electronDir: string;
  /** Folder of the built renderer (index.html). */
  rendererDir: string;
  /** Folder of example pipelines shown in the gallery. */
  examplesDir?: string;
  /** The workspace folder. @default `<documents>/Weft` */
  workspace?: string;
  argv: readonly string[];
  cwd: string;
  platform: NodeJS.Platform;
  /** Environment passed to the engine host. */
  env?: Record<string, string | undefined>;
}

export interface WeftMain {
  /** Resolves once the window is loaded; false when another instance already runs. */
  ready: Promise<boolean>;
  window(): BrowserWindowLike | undefined;
  engine: EngineSupervisor;
  files(): DesktopFiles | undefined;
  /** Opens a pipeline file in the window (what argv, open-file, drop and second instances do). */
  openPath(file: string, source: IpcEventMap['pipeline.opened']['source']): Promise<void>;
  menuTemplate(): ReturnType<typeof buildMenuTemplate>;
}

/**
 * The whole main process as a function of the Electron API it is given: one window on the app
 * scheme, menus, dialogs, recent files, window state, single instance, files from the OS, and the
 * engine in a utilityProcess that is restarted if it dies.
 */
export function createWeftMain(electron: ElectronSurface, opts: WeftMainOptions): WeftMain {
  const { app, dialog, Menu } = electron;
  // corsEnabled: Vite emits `<script type="module" crossorigin>`, a CORS-mode load (as VS Code does for vscode-file).
  electron.protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
  let win: BrowserWindowLike | undefined;
  let dirty = false;
  let docName = 'Untitled';
  const queued: string[] = [];
  const userData = (): string => app.getPath('userData');
  const workspace = (): string => opts.workspace ?? path.join(app.getPath('documents'), 'Weft');
  let files: DesktopFiles | undefined;
  let recent: RecentDocuments | undefined;

  const send = <E extends EventChannel>(channel: E, payload: IpcEventMap[E]): void => {
    if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
  };

  const engine = new EngineSupervisor({
    spawn: () =>
      electron.utilityProcess.fork(path.join(opts.electronDir, 'engine-host.cjs'), [], {
        serviceName: 'Weft engine',
        // the engine trains and runs models: glibc's malloc tunables as for `weft run` (bin/mallocTunables.js)
        env: { ...(withMallocTunables(opts.env ?? {}, opts.platform) ?? opts.env), WEFT_WORKSPACE: workspace() },
        stdio: 'inherit',
      }),
    onEvent: (e: EngineEvent) => send('engine.event', e),
    onStatus: (s) => send('engine.status', s),
  });
  const forward =
    <C extends EngineInvokeChannel>(channel: C) =>
    (params: unknown): Promise<StudioResult<C>> =>
      engine.request(channel, params, files?.documentRoots()) as Promise<StudioResult<C>>;

  const rebuildMenu = (): void => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));
  };
  const updateTitle = (): void => {
    if (!win) return;
    win.setTitle(`${dirty ? '• ' : ''}${docName} — Weft`);
    win.setDocumentEdited(dirty);
  };
  const showError = (message: string, detail?: string): void => {
    void dialog.showMessageBox(win, { type: 'error', message, ...(detail ? { detail } : {}) });
  };
  const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

  /** Main opened a pipeline on its own (menu, OS, drop): the renderer is told with `pipeline.opened`. */
  const deliver = (p: OpenedFile, source: IpcEventMap['pipeline.opened']['source']): void => {
    send('pipeline.opened', { ...p, source });
  };

  const openPath = async (file: string, source: IpcEventMap['pipeline.opened']['source']): Promise<void> => {
    if (!win || !files) {
      queued.push(file);
      return;
    }
    if (win.isMinimized()) win.restore();
    win.focus();
    try {
      deliver(await files.read({ path: files.grant(file) }), source);
    } catch (e) {
      showError(`Could not open ${path.basename(file)}`, errorText(e));
    }
  };

  const command = (c: MenuCommand): void => send('menu.command', { command: c });
  const menuTemplate = (): ReturnType<typeof buildMenuTemplate> =>
    buildMenuTemplate(
      { platform: opts.platform, recent: recent?.paths ?? [], devTools: !app.isPackaged },
      {
        command,
        open: () => {
          if (!files) return;
          files.openWithDialog().then(
            (p) => p && deliver(p, 'dialog'),
            (e: unknown) => showError('Could not open the pipeline', errorText(e)),
          );
        },
        openRecent: (file) => void openPath(file, 'recent'),
        clearRecent: () => {
          recent?.clear();
          rebuildMenu();
        },
        about: () => {
          void dialog.showMessageBox(win, {
            type: 'info',
            message: `Weft ${app.getVersion()}`,
            detail: 'A desktop studio for machine-learning experiments.',
          });
        },
        quit: () => app.quit(),
      },
    );

  const createWindow = async (): Promise<void> => {
    const keeper = windowStateKeeper(userData(), () => electron.screen.getAllDisplays());
    const state = keeper.load();
    const w = new electron.BrowserWindow({
      ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
      width: state.width,
      height: state.height,
      minWidth: 800,
      minHeight: 500,
      show: false,
      title: 'Weft',
      backgroundColor: '#1e1e1e',
      webPreferences: secureWebPreferences(path.join(opts.electronDir, 'preload.cjs')),
    });
    win = w;
    hardenWebContents(w.webContents);
    if (state.maximized) w.maximize();
    w.on('ready-to-show', () => w.show());
    w.on('close', (event) => {
      keeper.save(w);
      if (!dirty) return;
      event.preventDefault();
      void dialog
        .showMessageBox(w, {
          type: 'question',
          message: `${docName} has unsaved changes.`,
          detail: 'Close Weft and lose them?',
          buttons: ['Cancel', 'Discard Changes'],
          defaultId: 0,
          cancelId: 0,
        })
        .then(({ response }) => {
          if (response !== 1) return;
          dirty = false;
          w.close();
        });
    });
    w.on('closed', () => {
      if (win === w) win = undefined;
    });
    updateTitle();
    await w.loadURL(`${APP_ORIGIN}/index.html`);
    for (const f of queued.splice(0)) await openPath(f, 'os');
  };

  const ready = (async (): Promise<boolean> => {
    if (!app.requestSingleInstanceLock()) {
      app.quit();
      return false;
    }
    app.on('second-instance', (_e, argv, cwd) => {
      if (win) {
        if (win.isMinimized()) win.restore();
        win.focus();
      }
      for (const f of pipelineArgs(argv, cwd)) void openPath(f, 'os');
    });
    app.on('open-file', (event, file) => {
      event.preventDefault();
      if (isPipelinePath(file)) void openPath(file, 'os');
    });
    app.on('window-all-closed', () => {
      engine.stop();
      app.quit();
    });
    app.on('before-quit', () => engine.stop());
    hardenApp(app);
    queued.push(...pipelineArgs(opts.argv, opts.cwd));
    await app.whenReady();
    mkdirSync(workspace(), { recursive: true });
    const host = new HostService({
      workspace: workspace(),
      version: app.getVersion(),
      ...(opts.examplesDir ? { examplesDir: opts.examplesDir } : {}),
    });
    const rec = new RecentDocuments(app, userData());
    recent = rec;
    const f = new DesktopFiles(
      host,
      dialog,
      () => win,
      (abs) => rec.has(abs),
      (abs) => {
        rec.add(abs);
        docName = path.basename(abs);
        rebuildMenu();
        updateTitle();
      },
    );
    files = f;
    const hostCall =
      <C extends StudioChannel & `${'host' | 'files' | 'recent' | 'examples' | 'recovery'}.${string}`>(channel: C) =>
      (params: unknown): Promise<StudioResult<C>> =>
        host.handle(channel, params);
    hardenSession(electron.session.defaultSession);
    electron.protocol.handle(APP_SCHEME, createAppProtocolHandler(opts.rendererDir));
    registerIpcHandlers(
      electron.ipcMain,
      {
        'engine.nodes': forward('engine.nodes'),
        'engine.validate': forward('engine.validate'),
        'engine.run': forward('engine.run'),
        'engine.cancel': forward('engine.cancel'),
        'engine.result': forward('engine.result'),
        'engine.runResult': forward('engine.runResult'),
        'engine.columns': forward('engine.columns'),
        'engine.columnsBatch': forward('engine.columnsBatch'),
        'engine.rows': forward('engine.rows'),
        'engine.explore': forward('engine.explore'),
        'runs.list': forward('runs.list'),
        'runs.get': forward('runs.get'),
        'runs.diff': forward('runs.diff'),
        'runs.remove': forward('runs.remove'),
        'serving.models': forward('serving.models'),
        'serving.list': forward('serving.list'),
        'serving.start': forward('serving.start'),
        'serving.stop': forward('serving.stop'),
        'serving.stats': forward('serving.stats'),
        'host.info': async () => ({ ...(await host.handle('host.info', {})), transport: 'ipc' as const }),
        'files.list': hostCall('files.list'),
        'pipeline.read': (p) => f.read(p),
        'pipeline.write': (p) => f.write(p),
        'recent.list': hostCall('recent.list'),
        'examples.list': hostCall('examples.list'),
        'examples.read': hostCall('examples.read'),
        'recovery.write': hostCall('recovery.write'),
        'recovery.read': hostCall('recovery.read'),
        'recovery.clear': hostCall('recovery.clear'),
        'dialog.openPipeline': () => f.openWithDialog(),
        'dialog.savePipeline': async ({ text, suggestedName, from }) => {
          try {
            return await f.saveAs(text, suggestedName, from);
          } catch (e) {
            if (e instanceof Error && e.name === 'DialogCancelled') return null;
            throw e;
          }
        },
        'dialog.pickPath': (p) => f.pickPath(p),
        'window.documentState': async ({ dirty: d, name, path: file }) => {
          dirty = d;
          docName = name ?? (file ? path.basename(file) : 'Untitled');
          updateTitle();
          return null;
        },
        'pipeline.openDropped': async ({ path: file }) => {
          if (isPipelinePath(file)) await openPath(file, 'drop');
          return null;
        },
      },
      (senderId) => win !== undefined && !win.isDestroyed() && win.webContents.id === senderId,
    );
    rebuildMenu();
    engine.start();
    await createWindow();
    app.on('activate', () => {
      if (!win) void createWindow();
    });
    return true;
  })();

  return { ready, window: () => win, engine, files: () => files, openPath, menuTemplate };
}
