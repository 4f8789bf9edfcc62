import { z } from 'zod';
import { studioApi } from '../../core/common';
import type { AnyInvokeChannel, InvokeParams } from './channels';

const empty = z.object({}).strict();
const filePath = z.string().min(1).max(4096);

/** The zod schema main checks every invoke's params against, per channel. */
export const invokeSchemas = {
  'engine.nodes': studioApi['engine.nodes'].params,
  'engine.validate': studioApi['engine.validate'].params,
  'engine.run': studioApi['engine.run'].params,
  'engine.cancel': studioApi['engine.cancel'].params,
  'engine.result': studioApi['engine.result'].params,
  'runs.list': studioApi['runs.list'].params,
  'runs.get': studioApi['runs.get'].params,
  'runs.diff': studioApi['runs.diff'].params,
  'runs.remove': studioApi['runs.remove'].params,
  'host.info': studioApi['host.info'].params,
  'files.list': studioApi['files.list'].params,
  'pipeline.read': studioApi['pipeline.read'].params,
  'pipeline.write': studioApi['pipeline.write'].params,
  'recent.list': studioApi['recent.list'].params,
  'examples.list': studioApi['examples.list'].params,
  'examples.read': studioApi['examples.read'].params,
  'recovery.write': studioApi['recovery.write'].params,
  'recovery.read': studioApi['recovery.read'].params,
  'recovery.clear': studioApi['recovery.clear'].params,
  'dialog.openPipeline': empty,
  'dialog.savePipeline': z
    .object({ text: z.string().max(50_000_000), suggestedName: z.string().max(255).optional() })
    .strict(),
  'dialog.pickPath': z
    .object({
      purpose: z.enum(['dataset', 'export', 'folder']),
      extensions: z
        .array(z.string().regex(/^\.[A-Za-z0-9_-]{1,16}$/))
        .max(20)
        .optional(),
      title: z.string().max(200).optional(),
      relativeTo: filePath.optional(),
    })
    .strict(),
  'window.documentState': z
    .object({ dirty: z.boolean(), name: z.string().max(255).optional(), path: filePath.nullable().optional() })
    .strict(),
  'pipeline.openDropped': z.object({ path: filePath }).strict(),
} as const satisfies { [C in AnyInvokeChannel]: z.ZodType<unknown, InvokeParams<C>> };
