import path from 'node:path';
import type { z } from 'zod';
import type { csvNode } from '../../../common/nodes/data/csv';
import { previewTable } from '../../../common/nodes/data/tablePreview';
import { readCsv } from '../../data/readCsv';
import { resolveParamPath, UserError, type Executor } from '../Executor';

export const csvExecutor: Executor<z.output<typeof csvNode.params>> = async (ctx) => {
  const { path: file, ...opts } = ctx.params;
  if (!file) throw new UserError(`node ${ctx.nodeId}: choose a CSV file (param path)`);
  const full = resolveParamPath(ctx, file, 'read');
  const table = await readCsv(full, opts, { signal: ctx.signal, progress: ctx.progress });
  for (const w of table.warnings ?? []) ctx.log(w, 'warn');
  const preview = previewTable(table, { format: 'csv' });
  return {
    outputs: { table, preview },
    summary: { text: `${table.rowCount} rows × ${table.columns.length} columns from ${path.basename(full)}` },
  };
};
