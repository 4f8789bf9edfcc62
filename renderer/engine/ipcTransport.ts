import type {
  IpcEventMap,
  IpcParams,
  IpcResult,
  MenuCommand,
  PageIpcChannel,
  StudioChannel,
  StudioParams,
  StudioResult,
  WeftDesktopApi,
} from '../../core/common';
import { EngineRequestError, type EngineClient } from './EngineClient';

/*
 * The Electron transport: `window.weft`, the preload's api, typed by the desktop IPC contract in
 * core/common/protocol/desktopIpc.ts (the same types main and the preload use).
 */

/** The preload's api when running inside Electron, else undefined (the browser studio). */
export function desktopApi(): WeftDesktopApi | undefined {
  return (globalThis as { weft?: WeftDesktopApi }).weft;
}

/** Calls a desktop channel, turning an error outcome into an `EngineRequestError` with its status. */
export async function callDesktop<C extends PageIpcChannel>(
  api: WeftDesktopApi,
  channel: C,
  params: IpcParams<C>,
): Promise<IpcResult<C>> {
  const outcome = await api.invoke(channel, params);
  if (!outcome.ok) throw new EngineRequestError(outcome.error, outcome.status);
  return outcome.result;
}

/**
 * The EngineClient over Electron IPC: requests go through the preload to main (and on to the engine
 * host); engine events arrive as `engine.event`. The event stream counts as disconnected while the
 * engine host is down for good, and reconnected when it was restarted.
 */
export function createIpcEngineClient(api: WeftDesktopApi): EngineClient {
  return {
    invoke: <C extends StudioChannel>(channel: C, params: StudioParams<C>): Promise<StudioResult<C>> =>
      callDesktop(api, channel, params),
    onEvent: (listener) => api.on('engine.event', listener),
    onConnection: (listener) => {
      listener(true);
      return api.on('engine.status', (s) => listener(s.state !== 'failed'));
    },
  };
}

/** What the studio does with the desktop shell's own events (menus, files opened by the OS, engine restarts). */
export interface DesktopShellHandlers {
  command(command: MenuCommand): void;
  /** A pipeline main opened itself: File > Open…, Open Recent, a double-click in the OS, a drop. */
  opened(file: IpcEventMap['pipeline.opened']): void;
  /** Show `status.message` to the user: the engine was restarted (the pipeline is kept) or gave up. */
  engineStatus(status: IpcEventMap['engine.status']): void;
}

/** Subscribes the studio to the shell's events; returns one function that unsubscribes all. */
export function bindDesktopShell(api: WeftDesktopApi, handlers: DesktopShellHandlers): () => void {
  const offs = [
    api.on('menu.command', (m) => handlers.command(m.command)),
    api.on('pipeline.opened', (f) => handlers.opened(f)),
    api.on('engine.status', (s) => handlers.engineStatus(s)),
  ];
  return () => offs.forEach((off) => off());
}
