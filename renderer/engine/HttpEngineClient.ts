import type { EngineEvent, StudioChannel, StudioParams, StudioResult } from '../../core/common';
import { EngineRequestError, type EngineClient } from './EngineClient';

const TOKEN_KEY = 'weft.studioToken';

/**
 * The session token `weft studio` printed in its address (`#token=…`). On a page it is kept in
 * sessionStorage (so a reload keeps working) and taken out of the address bar.
 */
export function studioToken(base: URL): string {
  const fromHash = new URLSearchParams(base.hash.replace(/^#/, '')).get('token');
  const storage = typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  if (fromHash) {
    storage?.setItem(TOKEN_KEY, fromHash);
    if (typeof history !== 'undefined' && typeof location !== 'undefined' && location.hash)
      history.replaceState(history.state, '', location.pathname + location.search);
    return fromHash;
  }
  return storage?.getItem(TOKEN_KEY) ?? '';
}

/**
 * The studio server transport: POST /api/rpc/<channel>, events over the /api/events WebSocket,
 * both carrying the session token (a header; a WebSocket subprotocol, since a page cannot set headers there).
 */
export function createHttpEngineClient(
  base: URL = new URL(window.location.href),
  token: string = studioToken(base),
): EngineClient {
  const listeners = new Set<(e: EngineEvent) => void>();
  const connListeners = new Set<(c: boolean) => void>();
  let socket: WebSocket | undefined;
  let retry = 500;

  const connect = (): void => {
    const url = new URL('api/events', new URL('/', base));
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, ['weft', `weft-token.${token}`]);
    socket = ws;
    ws.onopen = () => {
      retry = 500;
      for (const l of connListeners) l(true);
    };
    ws.onmessage = (m) => {
      let event: EngineEvent;
      try {
        event = JSON.parse(String(m.data)) as EngineEvent;
      } catch {
        return;
      }
      if (typeof event.type !== 'string' || !('runId' in event)) return;
      for (const l of listeners) l(event);
    };
    ws.onclose = () => {
      for (const l of connListeners) l(false);
      if (socket === ws) window.setTimeout(connect, (retry = Math.min(retry * 2, 5000)));
    };
  };
  connect();

  return {
    async invoke<C extends StudioChannel>(channel: C, params: StudioParams<C>): Promise<StudioResult<C>> {
      const res = await fetch(new URL(`api/rpc/${channel}`, new URL('/', base)), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-weft-token': token },
        body: JSON.stringify(params),
      });
      const body = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as {
        result?: unknown;
        error?: string;
      };
      if (!res.ok) throw new EngineRequestError(body.error ?? `HTTP ${res.status}`, res.status);
      return body.result as StudioResult<C>;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connListeners.add(listener);
      if (socket?.readyState === WebSocket.OPEN) listener(true);
      return () => connListeners.delete(listener);
    },
  };
}
