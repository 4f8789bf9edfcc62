import { Readable } from 'node:stream';
import Papa from 'papaparse';
import type { TableValue } from '../../common';
import type { CsvOptions } from '../../common/nodes/data/csvOptions';
import { throwIfAborted, UserError } from '../executors/Executor';
import { ColumnBuilder, placeText } from './columnBuilder';
import { decodeChunks, InvalidUtf8Error, undecodableError } from './decodeText';
import { checkReadable, readHead, rejectBinary } from './openInput';
import { sniffDelimiter } from './sniffDelimiter';

export interface ReadHooks {
  signal?: AbortSignal;
  progress?: (fraction: number, message?: string) => void;
}

interface Layout {
  file: string;
  size: number;
  encoding: 'utf-8' | 'latin1';
  delimiter: string;
  decimalComma: boolean;
  estimatedRows: number;
}

function estimateRows(sample: string, size: number, sampleBytes: number): number {
  let lines = 0;
  for (let i = sample.indexOf('\n'); i !== -1; i = sample.indexOf('\n', i + 1)) lines++;
  if (lines === 0 || sampleBytes >= size) return lines + 1;
  return Math.ceil((size / sampleBytes) * lines * 1.05) + 16;
}

function uniqueNames(file: string, raw: string[], header: boolean): string[] {
  if (!header) return raw.map((_, i) => `column${i + 1}`);
  const names = raw.map((n, i) => n.trim() || `column${i + 1}`);
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const j = seen.get(n);
    if (j !== undefined) {
      throw new UserError(`${file}:1: duplicate column name '${n}' (columns ${j + 1} and ${i + 1}); rename one of them`);
    }
    seen.set(n, i);
  });
  return names;
}

/** One streaming pass over the file. Columns listed in `asStrings` are collected as strings. */
async function pass(layout: Layout, opts: CsvOptions, asStrings: ReadonlySet<string>, hooks: ReadHooks): Promise<{ builders: ColumnBuilder[]; names: string[] }> {
  const { file } = layout;
  const missingSet = new Set(opts.missingValues);
  let bytes = 0;
  let sawQuote = false;
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of decodeChunks(file, layout.encoding)) {
      bytes += layout.encoding === 'utf-8' ? Buffer.byteLength(chunk) : chunk.length;
      if (!sawQuote && chunk.includes('"')) sawQuote = true;
      yield chunk;
    }
  }
  const source = Readable.from(text(), { objectMode: true });
  let builders: ColumnBuilder[] | null = null;
  let names: string[] = [];
  let ncols = 0;
  const place = { file, line: 1 };
  const onRows = (rows: string[][]): void => {
    for (const row of rows) {
      const startLine = place.line;
      let extra = 0;
      if (sawQuote) for (const f of row) for (let k = f.indexOf('\n'); k !== -1; k = f.indexOf('\n', k + 1)) extra++;
      place.line = startLine + 1 + extra;
      if (row.length === 1 && row[0].trim() === '' && ncols !== 1) continue;
      if (builders === null) {
        names = uniqueNames(file, row, opts.header);
        ncols = names.length;
        builders = names.map(
          (name, i) => new ColumnBuilder(name, i, layout.estimatedRows, missingSet, layout.decimalComma, opts.types[name], asStrings.has(name)),
        );
        if (opts.header) continue;
      }
      if (row.length !== ncols) {
        if (row.length === 1 && row[0] === '') continue;
        throw new UserError(
          `${file}:${startLine}: ragged row: expected ${ncols} fields (as in the header), found ${row.length}; check the delimiter and quoting on that line`,
        );
      }
      const at = { file, line: startLine };
      for (let j = 0; j < ncols; j++) builders[j].push(row[j], at);
    }
  };
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      source.destroy();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    Papa.parse<string[]>(source as unknown as NodeJS.ReadableStream, {
      delimiter: layout.delimiter,
      header: false,
      skipEmptyLines: false,
      quoteChar: '"',
      chunk: (results, parser) => {
        if (failed) return;
        try {
          if (hooks.signal) throwIfAborted(hooks.signal);
          const quoteError = results.errors.find((e) => e.type === 'Quotes');
          if (quoteError) {
            onRows(results.data.slice(0, quoteError.row ?? 0));
            throw new UserError(`${file}:${place.line}: unclosed quote in the row starting here; close the quoted field or remove the stray '"'`);
          }
          onRows(results.data);
          hooks.progress?.(Math.min(0.99, bytes / Math.max(1, layout.size)), `${place.line - 1} lines`);
        } catch (e) {
          fail(e);
          parser.abort();
        }
      },
      complete: () => {
        if (!failed) resolve();
      },
      error: (e: Error) => fail(e),
    });
    source.on('error', fail);
  });
  if (builders === null) throw new UserError(`${file}: the file is empty (no header, no rows)`);
  return { builders, names };
}

/** Columns that turned out non-numeric: an error when nearly every value was a number, else strings. */
export function demotedColumns(builders: ColumnBuilder[]): Set<string> {
  const out = new Set<string>();
  for (const b of builders) {
    if (!b.demoted) continue;
    const total = b.numeric + b.nonNumeric;
    if (b.firstNonNumeric && b.numeric >= 20 && b.nonNumeric <= Math.max(1, 0.02 * total)) {
      const { value } = b.firstNonNumeric;
      throw new UserError(
        `${placeText(b.firstNonNumeric, b.index)}: non-numeric value ${JSON.stringify(value)} in numeric column '${b.name}' ` +
          `(${b.nonNumeric} of ${total} values are not numbers); fix it, add it to missingValues, or set types.${b.name} to 'category'`,
      );
    }
    out.add(b.name);
  }
  return out;
}

async function readWith(layout: Layout, opts: CsvOptions, hooks: ReadHooks): Promise<TableValue> {
  let { builders } = await pass(layout, opts, new Set(), hooks);
  const again = demotedColumns(builders);
  if (again.size) {
    builders = (await pass(layout, opts, again, hooks)).builders;
  }
  const rowCount = builders[0]?.n ?? 0;
  if (rowCount === 0) throw new UserError(`${layout.file}: the file has a header but no data rows`);
  const columns = builders.map((b) => b.finish());
  const warnings: string[] = [];
  for (const b of builders) {
    if (b.missing === rowCount) warnings.push(`column '${b.name}' is empty (every value is missing)`);
  }
  return { columns, rowCount, source: layout.file, ...(warnings.length ? { warnings } : {}) };
}

/**
 * Reads a CSV/TSV file into a Table, streaming: numbers go straight into typed columns, so
 * memory stays near the size of the parsed data. Throws UserError naming file, line and
 * column for bad input.
 */
export async function readCsv(file: string, opts: CsvOptions, hooks: ReadHooks = {}): Promise<TableValue> {
  const size = await checkReadable(file);
  if (size === 0) throw new UserError(`${file}: the file is empty`);
  const head = await readHead(file, 1 << 16);
  rejectBinary(file, head, 'a CSV text file');
  let encoding: 'utf-8' | 'latin1' = opts.encoding === 'latin1' ? 'latin1' : 'utf-8';
  const sample = new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'windows-1252').decode(head);
  if (sample.trim() === '') throw new UserError(`${file}: the file is empty`);
  const delimiter = opts.delimiter === 'auto' ? sniffDelimiter(sample) : opts.delimiter;
  const layout: Layout = {
    file,
    size,
    encoding,
    delimiter,
    decimalComma: opts.decimal === ',' || (opts.decimal === 'auto' && delimiter === ';'),
    estimatedRows: estimateRows(sample, size, head.length),
  };
  try {
    return await readWith(layout, opts, hooks);
  } catch (e) {
    if (!(e instanceof InvalidUtf8Error)) throw e;
    if (opts.encoding === 'utf-8') throw await undecodableError(file, e);
    encoding = 'latin1';
    const table = await readWith({ ...layout, encoding }, opts, hooks);
    const warning = `${file}: not valid UTF-8 (first bad byte at offset ${e.byteOffset}); read as Latin-1 (Windows-1252)`;
    return { ...table, warnings: [warning, ...(table.warnings ?? [])] };
  }
}
