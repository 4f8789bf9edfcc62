import type { EngineClient } from './EngineClient';

let current: EngineClient | undefined;

/** Installs the transport (main.tsx picks HTTP or Electron IPC). */
export function setEngineClient(client: EngineClient): void {
  current = client;
}

export function engineClient(): EngineClient {
  if (!current) throw new Error('no engine client installed');
  return current;
}
