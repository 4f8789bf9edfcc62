import path from 'node:path';
import type { DataPreviewValue, TableColumn } from '../../common';
import { csvOptionsSchema } from '../../common/nodes/data/csvOptions';
import { classHistogram, columnStats, previewTable } from '../../common/nodes/data/tablePreview';
import { UserError } from '../executors/Executor';
import { readCsv } from './readCsv';
import { readIdx } from './readIdx';

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
      if (ext === '.gz' || ext === '.idx' || /ubyte(\.gz)?$/.test(file)) return previewIdx(file, opts.headRows ?? 10);
      throw new UserError(`${file}: unknown data format '${ext || '(none)'}'; expected .csv, .tsv, .txt, .idx or *-ubyte(.gz)`);
  }
}

async function previewIdx(file: string, headRows: number): Promise<DataPreviewValue> {
  const { dims, data } = await readIdx(file);
  const n = dims[0];
  const width = data.length / Math.max(1, n);
  const values: TableColumn = { name: 'value', type: Number.isInteger(data[0] ?? 0) ? 'integer' : 'number', values: Float64Array.from(data) };
  const rows = Array.from({ length: Math.min(n, headRows) }, (_, i) => {
    const sample = Array.from(data.subarray(i * width, (i + 1) * width));
    return [i, sample.length > 8 ? `${sample.slice(0, 8).join(' ')} … (${sample.length})` : sample.join(' ')];
  });
  const preview: DataPreviewValue = {
    source: file,
    format: 'idx',
    rowCount: n,
    schema: [{ name: 'value', type: values.type }],
    stats: [columnStats(values)],
    head: { title: 'First samples', columns: ['index', 'values'], rows },
    sampleShape: dims.slice(1),
  };
  if (dims.length === 1) {
    preview.classColumn = 'label';
    preview.classHistogram = classHistogram(values);
  }
  return preview;
}
