import { z } from 'zod';
import type { RunDiff } from '../runs/diffRuns';
import type { RunListing, RunRecord } from '../runs/runRecord';
import { channel } from './engineApi';

const runId = z
  .string()
  .regex(/^[a-z0-9-]+$/)
  .min(1)
  .max(100);

/** A run folder that could not be read; the list reports it and goes on. */
export interface RunProblemView {
  id: string;
  error: string;
}

/**
 * The run store's contract for the studio's runs view: list, one record in full (epochs
 * included, for curves), a diff of two runs, and removal. Ids may be unique prefixes.
 */
export const runsApi = {
  'runs.list': channel<{ runs: RunListing[]; problems: RunProblemView[] }>()(z.object({})),
  'runs.get': channel<RunRecord>()(z.object({ id: runId })),
  'runs.diff': channel<RunDiff>()(z.object({ a: runId, b: runId })),
  'runs.remove': channel<{ removed: string[] }>()(z.object({ ids: z.array(runId).min(1).max(1000) })),
} as const;

export type RunsChannel = keyof typeof runsApi;
export type RunsParams<C extends RunsChannel> = z.input<(typeof runsApi)[C]['params']>;
export type RunsResult<C extends RunsChannel> = Exclude<(typeof runsApi)[C]['result'], undefined>;

export function isRunsChannel(name: string): name is RunsChannel {
  return Object.hasOwn(runsApi, name);
}
