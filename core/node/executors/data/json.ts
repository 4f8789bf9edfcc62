import path from 'node:path';
import type { z } from 'zod';
import type { jsonNode } from '../../../common/nodes/data/json';
import { previewTable } from '../../../common/nodes/data/tablePreview';
import { readJson } from '../../data/readJson';
import { resolveParamPath, UserError, type Executor } from '../Executor';

export const jsonExecutor: Executor<z.output<typeof jsonNode.params>> = async (ctx) => {
  const { path: file, ...opts } = ctx.params;
  if (!file) throw new UserError(`node ${ctx.nodeId}: choose a JSON or JSONL file (param path)`);
  const full = resolveParamPath(ctx, file, 'read');
  const table = await readJson(full, opts, { signal: ctx.signal, progress: ctx.progress });
  for (const w of table.warnings ?? []) ctx.log(w, 'warn');
  const preview = previewTable(table, { format: path.extname(full).toLowerCase() === '.json' ? 'json' : 'jsonl' });
  return {
    outputs: { table, preview },
    summary: { text: `${table.rowCount} records × ${table.columns.length} columns from ${path.basename(full)}` },
  };
};
