import type { EngineEvent, OpenedFile, StudioChannel, StudioParams, StudioResult } from '../../core/common';
import { EngineRequestError, type EngineClient } from './EngineClient';

/*
 * The Electron transport. The renderer imports nothing from electron/, so the preload's api
 * (`window.weft`) is declared here; a type test checks it equals electron/ipc/channels.ts's
 * `WeftDesktopApi`, channel for channel.
 */

/** What the user may pick a path for in a native dialog. */
export interface DesktopPickPath {
  purpose: 'dataset' | 'export' | 'folder';
  /** Extensions with the dot, e.g. ['.csv', '.tsv']. */
  extensions?: string[];
  title?: string;
  /** The pipeline file the path will be used from: a path in its folder comes back relative. */
  relativeTo?: string;
}

type Studio<C extends StudioChannel> = { params: StudioParams<C>; result: StudioResult<C> };

/** Desktop-only channels: native dialogs and the window's document state. */
export interface DesktopChannels {
  'dialog.openPipeline': { params: Record<string, never>; result: OpenedFile | null };
  'dialog.savePipeline': {
    params: { text: string; suggestedName?: string };
    result: { path: string; revision: string } | null;
  };
  'dialog.pickPath': { params: DesktopPickPath; result: string | null };
  'window.documentState': { params: { dirty: boolean; name?: string; path?: string | null }; result: null };
}

export type DesktopInvokeMap = { [C in StudioChannel]: Studio<C> } & DesktopChannels;
export type DesktopChannel = keyof DesktopInvokeMap;

export type DesktopMenuCommand = 'new' | 'save' | 'saveAs' | 'export' | 'run' | 'cancel';

/** Events the main process sends. */
export interface DesktopEvents {
  'engine.event': EngineEvent;
  /** The engine host died and was restarted (or gave up): show `message` to the user. */
  'engine.status': { state: 'ready' | 'restarted' | 'failed'; message: string };
  'menu.command': { command: DesktopMenuCommand };
  'pipeline.opened': OpenedFile & { source: 'dialog' | 'os' | 'drop' | 'recent' };
}

export type DesktopOutcome<T> = { ok: true; result: T } | { ok: false; error: string; status: number };

/** `window.weft`, exposed by the preload. */
export interface DesktopApi {
  invoke<C extends DesktopChannel>(
    channel: C,
    params: DesktopInvokeMap[C]['params'],
  ): Promise<DesktopOutcome<DesktopInvokeMap[C]['result']>>;
  on<E extends keyof DesktopEvents>(channel: E, listener: (payload: DesktopEvents[E]) => void): () => void;
  pathForFile(file: File): string;
}

/** The preload's api when running inside Electron, else undefined (the browser studio). */
export function desktopApi(): DesktopApi | undefined {
  return (globalThis as { weft?: DesktopApi }).weft;
}

/** Calls a desktop channel, turning an error outcome into an `EngineRequestError` with its status. */
export async function callDesktop<C extends DesktopChannel>(
  api: DesktopApi,
  channel: C,
  params: DesktopInvokeMap[C]['params'],
): Promise<DesktopInvokeMap[C]['result']> {
  const outcome = await api.invoke(channel, params);
  if (!outcome.ok) throw new EngineRequestError(outcome.error, outcome.status);
  return outcome.result;
}

/**
 * The EngineClient over Electron IPC: requests go through the preload to main (and on to the engine
 * host); engine events arrive as `engine.event`. The event stream counts as disconnected while the
 * engine host is down for good, and reconnected when it was restarted.
 */
export function createIpcEngineClient(api: DesktopApi): EngineClient {
  return {
    invoke: <C extends StudioChannel>(channel: C, params: StudioParams<C>): Promise<StudioResult<C>> =>
      callDesktop(api, channel, params as DesktopInvokeMap[C]['params']) as Promise<StudioResult<C>>,
    onEvent: (listener) => api.on('engine.event', listener),
    onConnection: (listener) => {
      listener(true);
      return api.on('engine.status', (s) => listener(s.state !== 'failed'));
    },
  };
}

/** What the studio does with the desktop shell's own events (menus, files opened by the OS, engine restarts). */
export interface DesktopShellHandlers {
  command(command: DesktopMenuCommand): void;
  /** A pipeline main opened itself: File > Open…, Open Recent, a double-click in the OS, a drop. */
  opened(file: DesktopEvents['pipeline.opened']): void;
  /** Show `status.message` to the user: the engine was restarted (the pipeline is kept) or gave up. */
  engineStatus(status: DesktopEvents['engine.status']): void;
}

/** Subscribes the studio to the shell's events; returns one function that unsubscribes all. */
export function bindDesktopShell(api: DesktopApi, handlers: DesktopShellHandlers): () => void {
  const offs = [
    api.on('menu.command', (m) => handlers.command(m.command)),
    api.on('pipeline.opened', (f) => handlers.opened(f)),
    api.on('engine.status', (s) => handlers.engineStatus(s)),
  ];
  return () => offs.forEach((off) => off());
}
