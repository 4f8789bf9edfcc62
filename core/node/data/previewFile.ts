import path from 'node:path';
import type { DataPreviewValue } from '../../common';
import { csvOptionsSchema } from '../../common/nodes/data/csvOptions';
import { previewTable } from '../../common/nodes/data/tablePreview';
import { UserError } from '../executors/Executor';
import { readCsv } from './readCsv';

export interface PreviewOptions {
  target?: string;
  headRows?: number;
  /** CSV options (delimiter, encoding...) as the data.csv node takes them. */
  csv?: Record<string, unknown>;
}

/** Reads any supported source (chosen by extension, or a folder of images) and previews it. */
export async function previewFile(file: string, opts: PreviewOptions = {}): Promise<DataPreviewValue> {
  const ext = path.extname(file).toLowerCase();
  const common = { ...(opts.target ? { target: opts.target } : {}), ...(opts.headRows ? { headRows: opts.headRows } : {}) };
  switch (ext) {
    case '.csv':
    case '.tsv':
    case '.txt':
    case '.data': {
      const parsed = csvOptionsSchema.safeParse(opts.csv ?? {});
      if (!parsed.success) throw new UserError(`CSV options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const table = await readCsv(file, parsed.data);
      return previewTable(table, { format: 'csv', ...common });
    }
    default:
      throw new UserError(`${file}: unknown data format '${ext || '(none)'}'; expected .csv, .tsv or .txt`);
  }
}
