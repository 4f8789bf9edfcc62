import path from 'node:path';
import type { DataPreviewValue, TableValue } from '../../../common';
import { classHistogram, columnStats } from '../../../common/nodes/data/tablePreview';
import type { TextParams } from '../../../common/nodes/data/text';
import { readTextFolder, type TextFolder } from '../../data/readTextFolder';
import { resolveParamPath, UserError, type Executor } from '../Executor';

const PER_CLASS = 3;
const SHOWN_CHARS = 240;

function preview(table: TableValue, data: TextFolder): DataPreviewValue {
  const rows: (string | number | null)[][] = [];
  data.classNames.forEach((c, k) => {
    let shown = 0;
    for (let i = 0; i < data.texts.length && shown < PER_CLASS; i++) {
      if (data.y[i] !== k) continue;
      const t = data.texts[i];
      const words = t.split(/\s+/).filter(Boolean).length;
      rows.push([c, t.length, words, data.files[i], t.length > SHOWN_CHARS ? `${t.slice(0, SHOWN_CHARS)}…` : t]);
      shown++;
    }
  });
  const label = table.columns[1];
  return {
    source: data.folder,
    format: 'text',
    rowCount: table.rowCount,
    schema: table.columns.map((c) => ({ name: c.name, type: c.type })),
    stats: table.columns.map(columnStats),
    head: { title: `A few documents per class`, columns: ['label', 'characters', 'words', 'file', 'text'], rows },
    classColumn: 'label',
    classHistogram: classHistogram(label),
    ...(data.warnings.length ? { warnings: [...data.warnings] } : {}),
  };
}

export const textExecutor: Executor<TextParams> = async (ctx) => {
  const p = ctx.params;
  if (!p.path) throw new UserError(`node ${ctx.nodeId}: choose a folder (param path) with one subfolder per class`);
  const folder = resolveParamPath(ctx, p.path, 'read');
  const data = await readTextFolder(folder, p, { signal: ctx.signal, progress: ctx.progress });
  for (const w of data.warnings) ctx.log(`${folder}: ${w}`, 'warn');
  if (data.unlisted.length) ctx.log(`subfolders not in classes, left out: ${data.unlisted.join(', ')}`, 'info');
  const present = new Set(data.y);
  if (present.size < 2)
    throw new UserError(
      `${folder}: documents of a single class ('${data.classNames[[...present][0] ?? 0]}') were read; a classifier needs at least two classes`,
    );
  const table: TableValue = {
    columns: [
      { name: 'text', type: 'text', values: data.texts },
      { name: 'label', type: 'category', values: Array.from(data.y, (k) => data.classNames[k]) },
    ],
    rowCount: data.texts.length,
    source: folder,
    ...(data.warnings.length ? { warnings: data.warnings } : {}),
  };
  const counts = data.classNames.map((c, k) => `${c} ${data.y.filter((y) => y === k).length}`);
  return {
    outputs: { table, preview: preview(table, data) },
    summary: {
      text:
        `${table.rowCount} documents from ${path.basename(folder)} (${counts.join(', ')})` +
        (data.binary.length ? `; ${data.binary.length} binary skipped` : '') +
        (data.latin1.length ? `; ${data.latin1.length} read as Latin-1` : '') +
        (data.empty.length ? `; ${data.empty.length} empty left out` : ''),
    },
  };
};
