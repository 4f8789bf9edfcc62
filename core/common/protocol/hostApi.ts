import { z } from 'zod';
import { channel, engineApi } from './engineApi';
import { runsApi } from './runsApi';
import { servingApi } from './servingApi';

/** A file or folder in the workspace browser. */
export interface FileEntry {
  name: string;
  /** Workspace-relative path, `/`-separated; what `files.list` takes to open a folder. */
  path: string;
  kind: 'file' | 'dir';
  size?: number;
  /** The path to put into a node param: relative to the document's folder (or the workspace). */
  ref: string;
}

/** A pipeline file as read from disk, with the revision a later save must match. */
export interface OpenedFile {
  path: string;
  text: string;
  /** Content hash; `pipeline.write` refuses (409) when the file changed since. */
  revision: string;
  readOnly?: boolean;
}

export interface ExampleInfo {
  name: string;
  title: string;
  description: string;
}

export interface HostInfo {
  workspace: string;
  version: string;
  transport: 'http' | 'ipc';
}

const filePath = z.string().min(1).max(4096);

/**
 * The host's file contract (workspace browser, open, save, recent files, examples, recovery).
 * The studio server answers it over HTTP; the Electron shell answers it with native dialogs.
 */
export const hostApi = {
  'host.info': channel<HostInfo>()(z.object({})),
  'files.list': channel<{ dir: string; entries: FileEntry[] }>()(
    z.object({
      dir: z.string().max(4096).default(''),
      extensions: z
        .array(z.string().regex(/^\.[A-Za-z0-9_-]{1,16}$/))
        .max(20)
        .optional(),
      relativeTo: filePath.optional(),
    }),
  ),
  'pipeline.read': channel<OpenedFile>()(
    z.object({
      path: filePath,
      /** The user typed this path; it may lie outside the workspace. */ typed: z.boolean().optional(),
    }),
  ),
  'pipeline.write': channel<{ path: string; revision: string }>()(
    z.object({
      path: filePath.refine((p) => p.endsWith('.weft.json'), 'pipelines are saved as *.weft.json'),
      text: z.string().max(50_000_000),
      /** The revision this text was based on; `null` for a new file (refused if one exists). */
      baseRevision: z.string().max(128).nullable(),
      typed: z.boolean().optional(),
    }),
  ),
  'recent.list': channel<string[]>()(z.object({})),
  'examples.list': channel<ExampleInfo[]>()(z.object({})),
  'examples.read': channel<OpenedFile>()(
    z.object({
      name: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+$/)
        .max(200),
    }),
  ),
  'recovery.write': channel<{ savedAt: number }>()(
    z.object({ text: z.string().max(50_000_000), path: filePath.nullable() }),
  ),
  'recovery.read': channel<{ text: string; path: string | null; savedAt: number } | null>()(z.object({})),
  'recovery.clear': channel<{ cleared: boolean }>()(z.object({})),
} as const;

export type HostChannel = keyof typeof hostApi;
export type HostResult<C extends HostChannel> = Exclude<(typeof hostApi)[C]['result'], undefined>;

/** Every channel a renderer may call: the engine's, the host's, the run store's and the model servers', one map. */
export const studioApi = { ...engineApi, ...hostApi, ...runsApi, ...servingApi } as const;

export type StudioChannel = keyof typeof studioApi;
/** Params as a caller writes them (defaults may be left out). */
export type StudioParams<C extends StudioChannel> = z.input<(typeof studioApi)[C]['params']>;
export type StudioResult<C extends StudioChannel> = Exclude<(typeof studioApi)[C]['result'], undefined>;

export function isStudioChannel(name: string): name is StudioChannel {
  return Object.hasOwn(studioApi, name);
}
