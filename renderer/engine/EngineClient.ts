import type { EngineEvent, StudioChannel, StudioParams, StudioResult } from '../../core/common';

/**
 * The renderer's one way to the engine and the host. Two transports implement it: HTTP + WebSocket
 * against `weft studio`, and Electron IPC through the preload api.
 */
export interface EngineClient {
  /** Calls one channel of the engine or host contract (`studioApi`). */
  invoke<C extends StudioChannel>(channel: C, params: StudioParams<C>): Promise<StudioResult<C>>;
  /** Engine events as they happen; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Connection state of the event stream, for the status bar. */
  onConnection?(listener: (connected: boolean) => void): () => void;
}

/** A refusal the user can act on; `status` 409 means the file changed on disk or exists. */
export class EngineRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'EngineRequestError';
  }
}
