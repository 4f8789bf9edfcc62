import { z } from 'zod';

/**
 * The engine's request contract, shared by the studio server (HTTP + WebSocket) and Electron IPC.
 * Each channel maps to a zod schema for its params; results are typed in `EngineApi`.
 */
export const EngineRequestSchemas = {
  'engine.nodes': z.object({}),
  'engine.validate': z.object({ document: z.unknown() }),
  'engine.run': z.object({
    document: z.unknown(),
    only: z.string().optional(),
    noCache: z.boolean().optional(),
    runId: z.string().optional(),
  }),
  'engine.cancel': z.object({ runId: z.string() }),
} as const;

export type EngineChannel = keyof typeof EngineRequestSchemas;
export type EngineParams<C extends EngineChannel> = z.infer<(typeof EngineRequestSchemas)[C]>;
