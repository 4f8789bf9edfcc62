import type { EngineService } from '../../core/node/studio/EngineService';
import { statusOf } from '../ipc/statusOf';
import { HostRequestSchema, type HostPort } from './protocol';

/**
 * Answers engine requests arriving on `port` with the studio's EngineService (the same one the
 * studio server uses) and posts each response back; the service's events go out on the same port.
 */
export function serveEngine(port: HostPort, service: (roots: () => string[]) => EngineService): void {
  let roots: string[] = [];
  const svc = service(() => roots);
  port.onMessage((raw) => {
    const parsed = HostRequestSchema.safeParse(raw);
    if (!parsed.success) return;
    const req = parsed.data;
    if (req.documentRoots) roots = req.documentRoots;
    svc.handle(req.channel, req.params).then(
      (result) => port.post({ type: 'response', id: req.id, ok: true, result }),
      (e: unknown) => port.post({ type: 'response', id: req.id, ok: false, error: e instanceof Error ? e.message : String(e), status: statusOf(e) }),
    );
  });
  port.post({ type: 'ready', pid: process.pid });
}
