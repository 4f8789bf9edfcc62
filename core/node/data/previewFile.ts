import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataPreviewValue } from '../../common';
import { csvOptionsSchema } from '../../common/nodes/data/csvOptions';
import { imagesParams } from '../../common/nodes/data/images';
import { jsonOptionsSchema } from '../../common/nodes/data/json';
import { previewTable } from '../../common/nodes/data/tablePreview';
import { UserError } from '../executors/Executor';
import { imagesPreview } from './imagesPreview';
import { readCsv } from './readCsv';
import { readImageFolder } from './readImages';
import { npyPreview, npyTable } from './npyValues';
import { readIdx } from './readIdx';
import { readJson } from './readJson';
import { readNpySource } from './readNpy';
import { previewTensor } from './tensorPreview';

export interface PreviewOptions {
  target?: string;
  headRows?: number;
  /** CSV options (delimiter, encoding...) as the data.csv node takes them. */
  csv?: Record<string, unknown>;
  /** Image folder options (width, height, color...) as the data.images node takes them. */
  images?: Record<string, unknown>;
  /** NumPy options: `features` and `labels` array names (.npz), or `labels` as a .npy file path. */
  npy?: { features?: string; labels?: string };
  /** JSON options (format, missingValues, types) as the data.json node takes them. */
  json?: Record<string, unknown>;
}

function parseOptions<T>(
  what: string,
  schema: {
    safeParse: (
      v: unknown,
    ) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success)
    throw new UserError(
      `${what} options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Reads any supported source (chosen by extension, or a folder of images) and previews it. */
export async function previewFile(file: string, opts: PreviewOptions = {}): Promise<DataPreviewValue> {
  const st = await stat(file).catch(() => undefined);
  if (!st && !path.extname(file)) throw new UserError(`${file}: no such file or folder`);
  if (st?.isDirectory()) {
    const data = await readImageFolder(file, parseOptions('image', imagesParams, opts.images));
    return imagesPreview(data, opts.headRows ?? 10);
  }
  const ext = path.extname(file).toLowerCase();
  const common = {
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.headRows ? { headRows: opts.headRows } : {}),
  };
  switch (ext) {
    case '.csv':
    case '.tsv':
    case '.txt':
    case '.data': {
      const table = await readCsv(file, parseOptions('CSV', csvOptionsSchema, opts.csv));
      return previewTable(table, { format: 'csv', ...common });
    }
    case '.json':
    case '.jsonl':
    case '.ndjson': {
      const table = await readJson(file, parseOptions('JSON', jsonOptionsSchema, opts.json));
      return previewTable(table, { format: ext === '.json' ? 'json' : 'jsonl', ...common });
    }
    case '.npy':
    case '.npz': {
      const labels = opts.npy?.labels;
      const byFile = labels !== undefined && (ext === '.npy' || labels.endsWith('.npy'));
      const src = {
        file,
        ...(await readNpySource(file, {
          ...(opts.npy?.features ? { features: opts.npy.features } : {}),
          ...(labels ? (byFile ? { labelsFile: path.resolve(labels) } : { labels }) : {}),
        })),
      };
      return npyPreview(src, npyTable(src), opts.headRows ?? 10);
    }
    default:
      if (ext === '.gz' || ext === '.idx' || /ubyte(\.gz)?$/.test(file)) return previewIdx(file, opts.headRows ?? 10);
      throw new UserError(
        `${file}: unknown data format '${ext || '(none)'}'; expected .csv, .tsv, .txt, .json, .jsonl, .npy, .npz, .idx, *-ubyte(.gz) or an image folder`,
      );
  }
}

async function previewIdx(file: string, headRows: number): Promise<DataPreviewValue> {
  const { dims, data } = await readIdx(file);
  return previewTensor({ source: file, format: 'idx', dims, data, headRows });
}
