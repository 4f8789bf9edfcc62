import { z } from 'zod';
import type { ServingSnapshot } from '../serving/servingStats';
import { channel } from './engineApi';

/** A model file or repository folder in the workspace the studio can serve. */
export interface ServableModel {
  /** Workspace-relative, `/`-separated. */
  path: string;
  kind: 'onnx' | 'repository';
}

/** A model server the studio started. */
export interface ServerView {
  id: string;
  /** Workspace-relative path of what it serves. */
  path: string;
  kind: ServableModel['kind'];
  /** Base URL on 127.0.0.1, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** Model names it answers for (`/v2/models/<name>/infer`). */
  models: string[];
  startedAt: number;
  /** The server's recent log lines (loads, refusals). */
  log: string[];
}

const serverId = z
  .string()
  .regex(/^[a-z0-9-]+$/)
  .min(1)
  .max(64);

/**
 * The studio's local model servers: which models in the workspace can be served, start one on
 * 127.0.0.1 (one at a time), stop it, and read its live metrics (its /metrics, summarised).
 */
export const servingApi = {
  'serving.models': channel<ServableModel[]>()(z.object({})),
  'serving.list': channel<ServerView[]>()(z.object({})),
  'serving.start': channel<ServerView>()(
    z.object({
      path: z.string().min(1).max(4096),
      /** 0 picks a free port. */
      port: z.number().int().min(0).max(65535).default(0),
      /** Gather concurrent requests into one onnxruntime call (a one-file model has it off otherwise). */
      batching: z.boolean().default(false),
    }),
  ),
  'serving.stop': channel<{ stopped: boolean }>()(z.object({ id: serverId })),
  'serving.stats': channel<ServingSnapshot>()(z.object({ id: serverId })),
} as const;

export type ServingChannel = keyof typeof servingApi;
export type ServingParams<C extends ServingChannel> = z.input<(typeof servingApi)[C]['params']>;
export type ServingResult<C extends ServingChannel> = Exclude<(typeof servingApi)[C]['result'], undefined>;

export function isServingChannel(name: string): name is ServingChannel {
  return Object.hasOwn(servingApi, name);
}
