/**
 * The part of Electron's API the main process uses, as plain structural types. `main.ts` passes the
 * real `electron` module (the compiler checks it fits); tests pass fakes.
 */

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PreventableEvent {
  preventDefault(): void;
}

export interface UtilityProcessLike {
  readonly pid?: number | undefined;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; env?: Record<string, string | undefined>; stdio?: 'inherit' | 'pipe' | 'ignore' },
  ): UtilityProcessLike;
}

export interface PermissionHandlers {
  setPermissionRequestHandler(
    handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
}

export interface WebRequestLike {
  onHeadersReceived(
    listener: (
      details: { url: string; responseHeaders?: Record<string, string[]> },
      callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
    ) => void,
  ): void;
  onBeforeRequest(
    listener: (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void,
  ): void;
}

export interface SessionLike extends PermissionHandlers {
  webRequest: WebRequestLike;
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(
    schemes: {
      scheme: string;
      privileges?: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean };
    }[],
  ): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface WebContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
}

export interface WebPreferencesLike {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  webviewTag?: boolean;
  experimentalFeatures?: boolean;
  navigateOnDragDrop?: boolean;
  spellcheck?: boolean;
}

export interface WindowOptionsLike extends Partial<Bounds> {
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  webPreferences?: WebPreferencesLike;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed' | 'ready-to-show' | 'resize' | 'move', listener: () => void): unknown;
  getNormalBounds(): Bounds;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  maximize(): void;
  restore(): void;
  show(): void;
  focus(): void;
  close(): void;
  setTitle(title: string): void;
  setDocumentEdited(edited: boolean): void;
}

export type MenuRole =
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'toggleDevTools'
  | 'help'
  | 'about'
  | 'hide'
  | 'hideOthers'
  | 'quit';

export interface MenuItemOptions {
  label?: string;
  role?: MenuRole;
  type?: 'normal' | 'separator' | 'submenu';
  accelerator?: string;
  enabled?: boolean;
  visible?: boolean;
  click?: () => void;
  submenu?: MenuItemOptions[];
}

export interface DialogFilter {
  name: string;
  extensions: string[];
}

export interface DialogModule {
  showOpenDialog(
    window: unknown,
    options: {
      title?: string;
      defaultPath?: string;
      filters?: DialogFilter[];
      properties?: ('openFile' | 'openDirectory' | 'createDirectory')[];
    },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(
    window: unknown,
    options: { title?: string; defaultPath?: string; filters?: DialogFilter[] },
  ): Promise<{ canceled: boolean; filePath?: string }>;
  showMessageBox(
    window: unknown,
    options: {
      type?: 'none' | 'info' | 'error' | 'question' | 'warning';
      message: string;
      detail?: string;
      buttons?: string[];
      defaultId?: number;
      cancelId?: number;
    },
  ): Promise<{ response: number }>;
}

export interface IpcInvokeEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame?: { readonly url: string } | null;
}

export interface AppLike {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  getPath(name: 'userData' | 'documents'): string;
  getAppPath(): string;
  getVersion(): string;
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): unknown;
  on(event: 'open-file', listener: (event: PreventableEvent, path: string) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
  on(event: 'window-all-closed' | 'activate' | 'before-quit', listener: () => void): unknown;
}

/** Everything main needs from Electron. */
export interface ElectronSurface {
  app: AppLike;
  BrowserWindow: new (options: WindowOptionsLike) => BrowserWindowLike;
  ipcMain: {
    handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
    removeHandler(channel: string): void;
  };
  dialog: DialogModule;
  Menu: { buildFromTemplate(template: MenuItemOptions[]): unknown; setApplicationMenu(menu: unknown): void };
  utilityProcess: UtilityProcessModule;
  shell: { openExternal(url: string): Promise<void> };
  session: { defaultSession: SessionLike };
  protocol: ProtocolLike;
  screen: { getAllDisplays(): { workArea: Bounds }[] };
}
