import { Readable } from 'node:stream';
import Papa from 'papaparse';
import type { TableValue } from '../../common';
import type { CsvOptions } from '../../common/nodes/data/csvOptions';
import { throwIfAborted, UserError } from '../executors/Executor';
import type { ColumnBuilder } from './columnBuilder';
import { placeText } from './columnBuilder';
import { type CsvLayout as Layout, CsvRows } from './csvRows';
import { fastPass } from './csvFastPath';
import { chunkedPass, csvThreads } from './csvThreads';
import { decodeChunks, InvalidUtf8Error, undecodableError } from './decodeText';
import { checkReadable, readHead, rejectBinary } from './openInput';
import { sniffDelimiter } from './sniffDelimiter';

export interface ReadHooks {
  signal?: AbortSignal;
  progress?: (fraction: number, message?: string) => void;
  /** Skip the byte-level fast pass and always use papaparse (tests compare the two). */
  noFastPath?: boolean;
  /** Told which parser read each pass (or failed it with an error). */
  onPass?: (parser: 'fast' | 'papaparse') => void;
  /** Threads the byte-level pass may use for a large file; 0 or left out: one per core. */
  threads?: number;
  /** Splits the file into chunks of this many bytes whatever its size (tests read small files on several threads). */
  chunkBytes?: number;
  /** Told, after a pass on several threads, how many chunks the worker threads read. */
  onChunks?: (fromWorkers: number) => void;
}

function estimateRows(sample: string, size: number, sampleBytes: number): number {
  let lines = 0;
  for (let i = sample.indexOf('\n'); i !== -1; i = sample.indexOf('\n', i + 1)) lines++;
  if (lines === 0 || sampleBytes >= size) return lines + 1;
  return Math.ceil((size / sampleBytes) * lines * 1.05) + 16;
}

/** One streaming pass over the file. Columns listed in `asStrings` are collected as strings. */
async function pass(
  layout: Layout,
  opts: CsvOptions,
  asStrings: ReadonlySet<string>,
  hooks: ReadHooks,
): Promise<{ builders: ColumnBuilder[] }> {
  if (layout.encoding === 'utf-8' && !hooks.noFastPath) {
    const rows = new CsvRows(layout, opts, asStrings);
    let done: boolean;
    try {
      const threads = csvThreads(layout, hooks);
      done =
        threads > 1
          ? await chunkedPass(layout, rows, opts, asStrings, threads, hooks)
          : await fastPass(layout, rows, hooks);
    } catch (e) {
      hooks.onPass?.('fast');
      throw e;
    }
    if (done) {
      hooks.onPass?.('fast');
      return finished(layout, rows);
    }
  }
  hooks.onPass?.('papaparse');
  return finished(layout, await papaPass(layout, opts, asStrings, hooks));
}

function finished(layout: Layout, rows: CsvRows): { builders: ColumnBuilder[] } {
  if (rows.builders === null) throw new UserError(`${layout.file}: the file is empty (no header, no rows)`);
  return { builders: rows.builders };
}

/** The general pass: papaparse over decoded text (quotes, any line ending, Latin-1). */
async function papaPass(
  layout: Layout,
  opts: CsvOptions,
  asStrings: ReadonlySet<string>,
  hooks: ReadHooks,
): Promise<CsvRows> {
  const { file } = layout;
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
  const sink = new CsvRows(layout, opts, asStrings);
  const place = { line: 1 };
  const onRows = (rows: string[][]): void => {
    for (const row of rows) {
      const startLine = place.line;
      let extra = 0;
      if (sawQuote) for (const f of row) for (let k = f.indexOf('\n'); k !== -1; k = f.indexOf('\n', k + 1)) extra++;
      place.line = startLine + 1 + extra;
      sink.row(row, startLine);
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
            throw new UserError(
              `${file}:${place.line}: unclosed quote in the row starting here; close the quoted field or remove the stray '"'`,
            );
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
  return sink;
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
  if (builders.every((b) => !again.has(b.name) || b.hasText)) {
    for (const b of builders) if (again.has(b.name)) b.adoptText();
  } else {
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
