import type { DesktopIpcChannel, IpcEventMap } from './desktopIpc';

/*
 * The desktop IPC channel names at run time, for the sandboxed preload's whitelist and the engine
 * host's request schema. No zod here (the preload bundles whatever it imports); each list is
 * checked against `desktopIpcApi`'s keys, and test/unit/electron/ipcContract.test.ts checks that
 * together they name every channel.
 */

/** Engine, run-store and model-server requests: main forwards them to the engine host (a utilityProcess). */
export const engineInvokeChannels = [
  'engine.nodes',
  'engine.validate',
  'engine.run',
  'engine.cancel',
  'engine.result',
  'engine.runResult',
  'engine.columns',
  'engine.columnsBatch',
  'engine.rows',
  'engine.explore',
  'runs.list',
  'runs.get',
  'runs.diff',
  'runs.remove',
  'serving.models',
  'serving.list',
  'serving.start',
  'serving.stop',
  'serving.stats',
] as const satisfies readonly DesktopIpcChannel[];

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
] as const satisfies readonly DesktopIpcChannel[];

/** Desktop-only requests: native dialogs and the window's document state. */
export const desktopInvokeChannels = [
  'dialog.openPipeline',
  'dialog.savePipeline',
  'dialog.pickPath',
  'window.documentState',
] as const satisfies readonly DesktopIpcChannel[];

/** Channels the renderer may invoke through `window.weft.invoke`. */
export const invokeChannels = [...engineInvokeChannels, ...hostInvokeChannels, ...desktopInvokeChannels] as const;

/**
 * Channels only the preload itself invokes, never exposed to page scripts: a pipeline file the user
 * dropped onto the window (the preload reads its path from the drop event).
 */
export const preloadInvokeChannels = ['pipeline.openDropped'] as const satisfies readonly DesktopIpcChannel[];
export const allInvokeChannels = [...invokeChannels, ...preloadInvokeChannels] as const;

export const eventChannels = [
  'engine.event',
  'engine.status',
  'menu.command',
  'pipeline.opened',
] as const satisfies readonly (keyof IpcEventMap)[];

export type EngineInvokeChannel = (typeof engineInvokeChannels)[number];
export type HostInvokeChannel = (typeof hostInvokeChannels)[number];
export type DesktopInvokeChannel = (typeof desktopInvokeChannels)[number];
export type InvokeChannel = (typeof invokeChannels)[number];
export type AnyInvokeChannel = (typeof allInvokeChannels)[number];
export type EventChannel = (typeof eventChannels)[number];
