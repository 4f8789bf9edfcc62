import { z } from 'zod';
import { channel } from './engineApi';
import type { EngineEvent } from './events';
import { studioApi, type OpenedFile } from './hostApi';

const filePath = z.string().min(1).max(4096);

const pickPathParams = z
  .object({
    purpose: z.enum(['dataset', 'export', 'folder']),
    /** Extensions with the dot, e.g. ['.csv', '.tsv']. */
    extensions: z
      .array(z.string().regex(/^\.[A-Za-z0-9_-]{1,16}$/))
      .max(20)
      .optional(),
    title: z.string().max(200).optional(),
    /** The pipeline file the picked path will be used from: a path in its folder comes back relative. */
    relativeTo: filePath.optional(),
  })
  .strict();

/** What the user may ask the main process to pick a path for. */
export type PickPathParams = z.input<typeof pickPathParams>;

/** Requests only the desktop shell answers: native dialogs and the window's document state. */
const desktopOnlyApi = {
  /** Native open dialog; `null` when cancelled. */
  'dialog.openPipeline': channel<OpenedFile | null>()(z.object({}).strict()),
  /**
   * Native save dialog (Save As); `null` when cancelled. `from`: the file the document was open from,
   * so relative data paths are rewritten to still name the same files; `text` in the result is what
   * was written when that changed it.
   */
  'dialog.savePipeline': channel<{ path: string; revision: string; text?: string } | null>()(
    z
      .object({
        text: z.string().max(50_000_000),
        suggestedName: z.string().max(255).optional(),
        from: filePath.optional(),
      })
      .strict(),
  ),
  /** Native dialog for a data file, an export target or a folder; `null` when cancelled. */
  'dialog.pickPath': channel<string | null>()(pickPathParams),
  /** The window title and the close prompt follow the renderer's document. */
  'window.documentState': channel<null>()(
    z
      .object({ dirty: z.boolean(), name: z.string().max(255).optional(), path: filePath.nullable().optional() })
      .strict(),
  ),
} as const;

/** Requests only the preload itself sends, never page scripts. */
const preloadOnlyApi = {
  /** A pipeline file dropped onto the window (the preload reads its path from the drop event). */
  'pipeline.openDropped': channel<null>()(z.object({ path: filePath }).strict()),
} as const;

/**
 * The desktop IPC contract: one map from every channel the main process answers to its params
 * schema (checked by main on every invoke) and its result type. The studio's channels (engine,
 * host, runs: `studioApi`) travel unchanged; the desktop-only ones add native dialogs. The channel
 * name lists the sandboxed preload needs live, zod-free, in `desktopChannels.ts`.
 */
export const desktopIpcApi = { ...studioApi, ...desktopOnlyApi, ...preloadOnlyApi } as const;

export type DesktopIpcChannel = keyof typeof desktopIpcApi;
/** The channels page scripts may invoke: all but the preload's own. */
export type PageIpcChannel = Exclude<DesktopIpcChannel, keyof typeof preloadOnlyApi>;
/** Params as a caller writes them (defaults may be left out). */
export type IpcParams<C extends DesktopIpcChannel> = z.input<(typeof desktopIpcApi)[C]['params']>;
/** Params as a handler receives them, after main parsed them with the channel's schema. */
export type IpcParsedParams<C extends DesktopIpcChannel> = z.output<(typeof desktopIpcApi)[C]['params']>;
export type IpcResult<C extends DesktopIpcChannel> = Exclude<(typeof desktopIpcApi)[C]['result'], undefined>;

export type MenuCommand = 'new' | 'save' | 'saveAs' | 'export' | 'run' | 'cancel';

/** The engine host died and was restarted (or gave up): the renderer shows `message` to the user. */
export interface EngineStatus {
  state: 'ready' | 'restarted' | 'failed';
  message: string;
}

/** Channel → payload of the events main sends to the renderer. */
export interface IpcEventMap {
  'engine.event': EngineEvent;
  'engine.status': EngineStatus;
  'menu.command': { command: MenuCommand };
  'pipeline.opened': OpenedFile & { source: 'dialog' | 'os' | 'drop' | 'recent' };
}

/**
 * How every invoke answers: the result, or the error with an HTTP-like status (400 bad params,
 * 403 refused, 404 missing, 409 changed on disk, 503 engine down, 500 other), so the renderer sees
 * the same errors as over HTTP.
 */
export type IpcOutcome<T> = { ok: true; result: T } | { ok: false; error: string; status: number };

/** A file from a drop event (a DOM `File` in the renderer). */
export interface DroppedFile {
  readonly name: string;
}

/** The one object the preload exposes as `window.weft`. */
export interface WeftDesktopApi {
  invoke<C extends PageIpcChannel>(channel: C, params: IpcParams<C>): Promise<IpcOutcome<IpcResult<C>>>;
  on<E extends keyof IpcEventMap>(channel: E, listener: (payload: IpcEventMap[E]) => void): () => void;
  /** The file-system path of a file the user dropped onto the window. */
  pathForFile(file: DroppedFile): string;
}
