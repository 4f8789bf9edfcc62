import type { z } from 'zod';
import {
  allInvokeChannels,
  desktopIpcApi,
  type DesktopIpcChannel,
  type IpcOutcome,
  type IpcParsedParams,
  type IpcResult,
} from '../../core/common';
import { statusOf } from '../ipc/statusOf';
import type { ElectronSurface, IpcInvokeEventLike } from './electronSurface';
import { isAppUrl } from './security';

/** One handler per invoke channel; the mapped type makes a missing or extra channel a compile error. */
export type InvokeHandlers = {
  [C in DesktopIpcChannel]: (params: IpcParsedParams<C>) => Promise<IpcResult<C>>;
};

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`).join('; ');
}

/**
 * Registers every invoke channel on `ipcMain`. Each message must come from one of the app's own
 * windows and pages and its params must pass the channel's zod schema, or it is refused before any
 * handler sees it. Every answer is an `IpcOutcome`: errors keep their status across the boundary.
 */
export function registerIpcHandlers(
  ipcMain: ElectronSurface['ipcMain'],
  handlers: InvokeHandlers,
  isTrustedSender: (senderId: number) => boolean,
): () => void {
  for (const channel of allInvokeChannels) {
    const schema: z.ZodType = desktopIpcApi[channel].params;
    const handler = handlers[channel] as (params: unknown) => Promise<unknown>;
    ipcMain.handle(channel, async (event: IpcInvokeEventLike, ...args: unknown[]): Promise<IpcOutcome<unknown>> => {
      const url = event.senderFrame?.url;
      if (!isTrustedSender(event.sender.id) || (url !== undefined && !isAppUrl(url))) {
        return { ok: false, status: 403, error: `${channel}: refused, the message did not come from a Weft window` };
      }
      if (args.length !== 1)
        return {
          ok: false,
          status: 400,
          error: `${channel}: expected one params object, got ${args.length} arguments`,
        };
      const parsed = schema.safeParse(args[0]);
      if (!parsed.success)
        return { ok: false, status: 400, error: `${channel}: invalid params: ${describeIssues(parsed.error)}` };
      try {
        return { ok: true, result: await handler(parsed.data) };
      } catch (e) {
        return { ok: false, status: statusOf(e), error: e instanceof Error ? e.message : String(e) };
      }
    });
  }
  return () => {
    for (const channel of allInvokeChannels) ipcMain.removeHandler(channel);
  };
}
