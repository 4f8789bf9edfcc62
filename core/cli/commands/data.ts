import path from 'node:path';
import type { Command } from 'commander';
import type { DataPreviewValue, DisplayTable } from '../../common';
import { maxOf } from '../../common/arrays';

function fmt(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
  return v.length > 60 ? `${v.slice(0, 57)}...` : v;
}

/** Renders a DisplayTable as aligned text columns. */
export function formatTable(t: DisplayTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map(fmt))];
  const widths = t.columns.map((_, j) => maxOf(cells.map((r) => String(r[j] ?? '').length)));
  const line = (r: (string | number | null)[]): string =>
    r
      .map((c, j) => String(c ?? '').padEnd(widths[j] ?? 0))
      .join('  ')
      .trimEnd();
  return [t.title, line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/** The tables `weft data inspect` prints: schema with statistics, first rows, class histogram. */
export function previewTables(p: DataPreviewValue): DisplayTable[] {
  const tables: DisplayTable[] = [
    {
      title: `Columns (${p.rowCount} rows${p.sampleShape ? `, sample shape [${p.sampleShape.join(', ')}]` : ''})`,
      columns: ['column', 'type', 'missing', 'unique', 'min', 'max', 'mean', 'std', 'top'],
      rows: p.stats.map((s) => [
        s.name,
        s.type,
        s.missing,
        s.unique ?? null,
        s.min ?? null,
        s.max ?? null,
        s.mean ?? null,
        s.std ?? null,
        s.top
          ? s.top
              .slice(0, 3)
              .map((t) => `${t.value} (${t.count})`)
              .join(', ')
          : null,
      ]),
    },
    p.head,
  ];
  if (p.classHistogram) {
    tables.push({
      title: `Classes of '${p.classColumn ?? 'label'}'`,
      columns: ['class', 'count'],
      rows: p.classHistogram.map((c) => [c.label, c.count]),
    });
  }
  return tables;
}

interface InspectFlags {
  json?: boolean;
  target?: string;
  rows?: string;
  delimiter?: string;
  encoding?: string;
  width?: string;
  height?: string;
  color?: string;
  features?: string;
  labels?: string;
}

export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('look at data files');
  data
    .command('inspect')
    .description('schema, row count, first rows, per-column statistics and class histogram of a data file')
    .argument(
      '<file>',
      'CSV/TSV/TXT, JSON/JSONL, NumPy .npy/.npz, IDX (the MNIST format, gzipped too), or an image folder (one subfolder per class)',
    )
    .option('--json', 'print the DataPreview as one JSON object')
    .option('--target <column>', 'column whose class histogram to show')
    .option('--rows <n>', 'how many first rows to show', '10')
    .option('--delimiter <d>', 'CSV delimiter (auto, ",", ";", "\\t", "|")')
    .option('--encoding <e>', 'CSV text encoding (auto, utf-8, latin1)')
    .option('--width <px>', 'image folder: width images are resized to (default 28)')
    .option('--height <px>', 'image folder: height images are resized to (default 28)')
    .option('--color <c>', 'image folder: grayscale or rgb')
    .option('--features <name>', '.npz: the features array (default x, X, features or data, else the first)')
    .option('--labels <name|file>', '.npz: the labels array; .npy: a labels .npy file')
    .action(async (file: string, flags: InspectFlags) => {
      const csv: Record<string, unknown> = {};
      if (flags.delimiter) csv.delimiter = flags.delimiter === '\\t' ? '\t' : flags.delimiter;
      if (flags.encoding) csv.encoding = flags.encoding;
      const images: Record<string, unknown> = {};
      if (flags.width) images.width = Number(flags.width);
      if (flags.height) images.height = Number(flags.height);
      if (flags.color) images.color = flags.color;
      const npy: Record<string, unknown> = {};
      if (flags.features) npy.features = flags.features;
      if (flags.labels) npy.labels = flags.labels;
      const { previewFile } = await import('../../node/data/previewFile');
      const preview = await previewFile(path.resolve(file), {
        ...(flags.target ? { target: flags.target } : {}),
        headRows: Math.max(0, Number(flags.rows) || 10),
        csv,
        images,
        npy,
      });
      if (flags.json) {
        console.log(
          JSON.stringify(preview, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v)),
        );
        return;
      }
      console.log(`${file}: ${preview.format}, ${preview.rowCount} rows, ${preview.schema.length} columns`);
      for (const w of preview.warnings ?? []) console.error(`warning: ${w}`);
      for (const t of previewTables(preview)) console.log(`\n${formatTable(t)}`);
      if (preview.images?.length) console.log(`\n${preview.images.length} thumbnails (in --json as PNG data URLs)`);
    });
}
