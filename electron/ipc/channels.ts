import type { EngineEvent, OpenedFile, StudioChannel, StudioParams, StudioResult } from '../../core/common';

/**
 * The desktop IPC contract: every channel the renderer may invoke and every event the main process
 * sends, with its payload type. The studio's channels (engine + host, `studioApi` in core/common)
 * travel unchanged; a few desktop-only channels add native dialogs. Main checks every invoke against
 * the zod schema in `schemas.ts`. This file holds no runtime code beyond channel lists, so the
 * sandboxed preload can import it.
 */

/** Engine and run-store requests: main forwards them to the engine host (a utilityProcess). */
export const engineInvokeChannels = [
  'engine.nodes',
  'engine.validate',
  'engine.run',
  'engine.cancel',
  'engine.result',
  'runs.list',
  'runs.get',
  'runs.diff',
  'runs.remove',
] as const;

/** Host requests: main answers them (workspace files, recent, examples, recovery). */
export const hostInvokeChannels = [
  'host.info',
  'files.list',
  'pipeline.read',
  'pipeline.write',
  'recent.list',
  'examples.list',
  'examples.read',
  'recovery.write',
  'recovery.read',
  'recovery.clear',
] as const;

/** Desktop-only requests: native dialogs and the window's document state. */
export const desktopInvokeChannels = [
  'dialog.openPipeline',
  'dialog.savePipeline',
  'dialog.pickPath',
  'window.documentState',
] as const;

/** Channels the renderer may invoke through `window.weft.invoke`. */
export const invokeChannels = [...engineInvokeChannels, ...hostInvokeChannels, ...desktopInvokeChannels] as const;

/**
 * Channels only the preload itself invokes, never exposed to page scripts: a pipeline file the user
 * dropped onto the window (the preload reads its path from the drop event).
 */
export const preloadInvokeChannels = ['pipeline.openDropped'] as const;
export const allInvokeChannels = [...invokeChannels, ...preloadInvokeChannels] as const;

export const eventChannels = ['engine.event', 'engine.status', 'menu.command', 'pipeline.opened'] as const;

export type EngineInvokeChannel = (typeof engineInvokeChannels)[number];
export type HostInvokeChannel = (typeof hostInvokeChannels)[number];
export type DesktopInvokeChannel = (typeof desktopInvokeChannels)[number];
export type InvokeChannel = (typeof invokeChannels)[number];
export type AnyInvokeChannel = (typeof allInvokeChannels)[number];
export type EventChannel = (typeof eventChannels)[number];

/** What the user may ask the main process to pick a path for. */
export interface PickPathParams {
  purpose: 'dataset' | 'export' | 'folder';
  /** Extensions with the dot, e.g. ['.csv', '.tsv']. */
  extensions?: string[];
  title?: string;
  /** The pipeline file the picked path will be used from: a path in its folder comes back relative. */
  relativeTo?: string;
}

export type MenuCommand = 'new' | 'save' | 'saveAs' | 'export' | 'run' | 'cancel';

export interface EngineStatus {
  state: 'ready' | 'restarted' | 'failed';
  message: string;
}

type Studio<C extends StudioChannel> = { params: StudioParams<C>; result: StudioResult<C> };

/** Channel → params and result. */
export interface InvokeMap {
  'engine.nodes': Studio<'engine.nodes'>;
  'engine.validate': Studio<'engine.validate'>;
  'engine.run': Studio<'engine.run'>;
  'engine.cancel': Studio<'engine.cancel'>;
  'engine.result': Studio<'engine.result'>;
  'runs.list': Studio<'runs.list'>;
  'runs.get': Studio<'runs.get'>;
  'runs.diff': Studio<'runs.diff'>;
  'runs.remove': Studio<'runs.remove'>;
  'host.info': Studio<'host.info'>;
  'files.list': Studio<'files.list'>;
  'pipeline.read': Studio<'pipeline.read'>;
  'pipeline.write': Studio<'pipeline.write'>;
  'recent.list': Studio<'recent.list'>;
  'examples.list': Studio<'examples.list'>;
  'examples.read': Studio<'examples.read'>;
  'recovery.write': Studio<'recovery.write'>;
  'recovery.read': Studio<'recovery.read'>;
  'recovery.clear': Studio<'recovery.clear'>;
  /** Native open dialog; `null` when cancelled. */
  'dialog.openPipeline': { params: Record<string, never>; result: OpenedFile | null };
  /** Native save dialog (Save As); `null` when cancelled. */
  'dialog.savePipeline': {
    params: { text: string; suggestedName?: string };
    result: { path: string; revision: string } | null;
  };
  /** Native dialog for a data file, an export target or a folder; `null` when cancelled. */
  'dialog.pickPath': { params: PickPathParams; result: string | null };
  /** The window title and the close prompt follow the renderer's document. */
  'window.documentState': { params: { dirty: boolean; name?: string; path?: string | null }; result: null };
  'pipeline.openDropped': { params: { path: string }; result: null };
}

/** Channel → payload of events sent from main to the renderer. */
export interface EventMap {
  'engine.event': EngineEvent;
  'engine.status': EngineStatus;
  'menu.command': { command: MenuCommand };
  'pipeline.opened': OpenedFile & { source: 'dialog' | 'os' | 'drop' | 'recent' };
}

export type InvokeParams<C extends AnyInvokeChannel> = InvokeMap[C]['params'];
export type InvokeResult<C extends AnyInvokeChannel> = InvokeMap[C]['result'];

/**
 * How every invoke answers: the result, or the error with an HTTP-like status (400 bad params,
 * 403 refused, 404 missing, 409 changed on disk, 503 engine down, 500 other), so the renderer sees
 * the same errors as over HTTP.
 */
export type IpcOutcome<T> = { ok: true; result: T } | { ok: false; error: string; status: number };

/** The one object the preload exposes as `window.weft`. */
export interface WeftDesktopApi {
  invoke<C extends InvokeChannel>(channel: C, params: InvokeParams<C>): Promise<IpcOutcome<InvokeResult<C>>>;
  on<E extends EventChannel>(channel: E, listener: (payload: EventMap[E]) => void): () => void;
  /** The file-system path of a file the user dropped onto the window. */
  pathForFile(file: File): string;
}
