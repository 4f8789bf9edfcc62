import type { z } from 'zod';
import type { AnyInvokeChannel, InvokeParams, InvokeResult } from '../ipc/channels';
import { allInvokeChannels } from '../ipc/channels';
import { invokeSchemas } from '../ipc/schemas';
import type { ElectronSurface, IpcInvokeEventLike } from './electronSurface';
import { isAppUrl } from './security';

/** One handler per invoke channel; the mapped type makes a missing or extra channel a compile error. */
export type InvokeHandlers = { [C in AnyInvokeChannel]: (params: InvokeParams<C>) => Promise<InvokeResult<C>> };

/** Thrown back to the renderer when a message fails validation; names the channel and the zod path. */
export class IpcValidationError extends Error {}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`).join('; ');
}

/**
 * Registers every invoke channel on `ipcMain`. Each message must come from one of the app's own
 * windows and pages and its params must pass the channel's zod schema, or it is rejected unseen.
 */
export function registerIpcHandlers(
  ipcMain: ElectronSurface['ipcMain'],
  handlers: InvokeHandlers,
  isTrustedSender: (senderId: number) => boolean,
): () => void {
  for (const channel of allInvokeChannels) {
    const schema = invokeSchemas[channel] as z.ZodType;
    const handler = handlers[channel] as (params: unknown) => Promise<unknown>;
    ipcMain.handle(channel, async (event: IpcInvokeEventLike, ...args: unknown[]) => {
      const url = event.senderFrame?.url;
      if (!isTrustedSender(event.sender.id) || (url !== undefined && !isAppUrl(url))) {
        throw new IpcValidationError(`${channel}: refused, the message did not come from a Weft window`);
      }
      if (args.length !== 1) throw new IpcValidationError(`${channel}: expected one params object, got ${args.length} arguments`);
      const parsed = schema.safeParse(args[0]);
      if (!parsed.success) throw new IpcValidationError(`${channel}: invalid params: ${describeIssues(parsed.error)}`);
      return handler(parsed.data);
    });
  }
  return () => {
    for (const channel of allInvokeChannels) ipcMain.removeHandler(channel);
  };
}
