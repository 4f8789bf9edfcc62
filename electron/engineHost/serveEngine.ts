import { isRunsChannel, isServingChannel } from '../../core/common';
import type { RunsService } from '../../core/node/runs/RunsService';
import type { EngineService } from '../../core/node/studio/EngineService';
import type { ServingService } from '../../core/node/studio/ServingService';
import { statusOf } from '../ipc/statusOf';
import { HostRequestSchema, type HostPort } from './protocol';

export interface HostedServices {
  engine: EngineService;
  runs: RunsService;
  serving: ServingService;
}

/**
 * Answers requests arriving on `port` with the studio's EngineService, RunsService and ServingService
 * (the same ones the studio server uses) and posts each response back; engine events go out on the same port.
 */
export function serveEngine(port: HostPort, services: (documentRoots: () => string[]) => HostedServices): void {
  let roots: string[] = [];
  const { engine, runs, serving } = services(() => roots);
  port.onMessage((raw) => {
    const parsed = HostRequestSchema.safeParse(raw);
    if (!parsed.success) return;
    const req = parsed.data;
    if (req.documentRoots) roots = req.documentRoots;
    const work = isRunsChannel(req.channel)
      ? runs.handle(req.channel, req.params)
      : isServingChannel(req.channel)
        ? serving.handle(req.channel, req.params)
        : engine.handle(req.channel, req.params);
    work.then(
      (result) => port.post({ type: 'response', id: req.id, ok: true, result }),
      (e: unknown) =>
        port.post({
          type: 'response',
          id: req.id,
          ok: false,
          error: e instanceof Error ? e.message : String(e),
          status: statusOf(e),
        }),
    );
  });
  port.post({ type: 'ready', pid: process.pid });
}
