// Not core/common's index: the sandboxed preload bundles what it imports, and the index brings zod.
import type { WeftDesktopApi } from '../../core/common/protocol/desktopIpc';
import { eventChannels, invokeChannels } from '../../core/common/protocol/desktopChannels';
import { isPipelinePathName } from './pipelineName';

/** The slice of Electron's renderer-side API the preload uses; the real modules fit it, tests pass fakes. */
export interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  };
  webUtils: { getPathForFile(file: File): string };
}

export interface DropTarget {
  addEventListener(
    type: 'drop' | 'dragover',
    listener: (event: DragEvent) => void,
    options?: { capture?: boolean },
  ): void;
}

const invokeSet = new Set<string>(invokeChannels);
const eventSet = new Set<string>(eventChannels);

/**
 * Events that may arrive before the page has subscribed (a file named on the command line opens as
 * soon as the window has loaded): the preload keeps them until the first listener comes.
 */
const bufferedEvents = ['pipeline.opened'] as const;

/** Builds `window.weft`: invoke and subscribe on whitelisted channels only, and a dropped file's path. */
export function createPreloadApi(e: PreloadElectron): WeftDesktopApi {
  const held = new Map<string, { queue: unknown[]; listeners: Set<(payload: unknown) => void> }>();
  for (const channel of bufferedEvents) {
    const slot = { queue: [] as unknown[], listeners: new Set<(payload: unknown) => void>() };
    held.set(channel, slot);
    e.ipcRenderer.on(channel, (_event, payload) => {
      if (slot.listeners.size) for (const l of slot.listeners) l(payload);
      else slot.queue.push(payload);
    });
  }
  const api: WeftDesktopApi = {
    invoke: (channel, params) => {
      if (!invokeSet.has(channel))
        return Promise.resolve({ ok: false, status: 400, error: `unknown channel ${String(channel)}` });
      return e.ipcRenderer.invoke(channel, params) as never;
    },
    on: (channel, listener) => {
      if (!eventSet.has(channel)) throw new Error(`unknown event channel ${String(channel)}`);
      const slot = held.get(channel);
      if (slot) {
        const l = listener as (payload: unknown) => void;
        slot.listeners.add(l);
        for (const payload of slot.queue.splice(0)) l(payload);
        return () => void slot.listeners.delete(l);
      }
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload as never);
      e.ipcRenderer.on(channel, wrapped);
      return () => void e.ipcRenderer.removeListener(channel, wrapped);
    },
    pathForFile: (file) => e.webUtils.getPathForFile(file as File),
  };
  return Object.freeze(api);
}

/**
 * Pipeline files dropped anywhere on the window open as pipelines: the preload reads the path from
 * the drop (page scripts cannot name a path to open). Other files are left to the page.
 */
export function installPipelineDrop(e: PreloadElectron, target: DropTarget): void {
  target.addEventListener(
    'drop',
    (event) => {
      const files = [...(event.dataTransfer?.files ?? [])];
      const pipeline = files.find((f) => isPipelinePathName(f.name));
      if (!pipeline) return;
      event.preventDefault();
      event.stopPropagation();
      const p = e.webUtils.getPathForFile(pipeline);
      if (p) void e.ipcRenderer.invoke('pipeline.openDropped', { path: p });
    },
    { capture: true },
  );
}

export function exposeApi(e: PreloadElectron, target: DropTarget): void {
  e.contextBridge.exposeInMainWorld('weft', createPreloadApi(e));
  installPipelineDrop(e, target);
}
