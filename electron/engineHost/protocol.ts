import { z } from 'zod';
import type { EngineEvent } from '../../core/common';
import { engineInvokeChannels } from '../../core/common/protocol/desktopChannels';

/** main → engine host: one engine request. */
export const HostRequestSchema = z.object({
  type: z.literal('request'),
  id: z.number().int(),
  channel: z.enum(engineInvokeChannels),
  params: z.unknown(),
  /** Folders of the documents the user opened outside the workspace (runs may resolve paths there). */
  documentRoots: z.array(z.string()).optional(),
});
export type HostRequest = z.infer<typeof HostRequestSchema>;

/** engine host → main: a response to a request, an engine event, or the ready signal. */
export type HostMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string; status: number }
  | { type: 'event'; event: EngineEvent }
  | { type: 'ready'; pid: number };

export const HostMessageSchema = z.union([
  z.object({ type: z.literal('response'), id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    type: z.literal('response'),
    id: z.number(),
    ok: z.literal(false),
    error: z.string(),
    status: z.number(),
  }),
  z.object({ type: z.literal('event'), event: z.object({ type: z.string(), runId: z.string() }).passthrough() }),
  z.object({ type: z.literal('ready'), pid: z.number() }),
]);

/** The two ends a host can talk through: Electron's `process.parentPort`, or Node's fork IPC in tests. */
export interface HostPort {
  onMessage(listener: (message: unknown) => void): void;
  post(message: HostMessage): void;
}
