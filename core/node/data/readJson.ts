import path from 'node:path';
import JSON5 from 'json5';
import type { TableValue } from '../../common';
import type { JsonOptions } from '../../common/nodes/data/json';
import { throwIfAborted, UserError } from '../executors/Executor';
import { ColumnBuilder, type Place } from './columnBuilder';
import { decodeChunks, InvalidUtf8Error, undecodableError } from './decodeText';
import { checkReadable, readHead, rejectBinary } from './openInput';
import type { ReadHooks } from './readCsv';
import { demotedColumns } from './readCsv';

type JsonRecord = Record<string, unknown>;
interface Located {
  record: JsonRecord;
  place: Place;
}

async function readText(file: string): Promise<string> {
  const parts: string[] = [];
  try {
    for await (const chunk of decodeChunks(file, 'utf-8')) parts.push(chunk);
  } catch (e) {
    if (e instanceof InvalidUtf8Error) throw await undecodableError(file, e);
    throw e;
  }
  return parts.join('');
}

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;

/** Where JSON.parse failed, found by re-parsing with JSON5 (which reports line and column). */
function syntaxError(file: string, text: string, e: Error): UserError {
  try {
    JSON5.parse(text);
  } catch (e5) {
    const { lineNumber, columnNumber, message } = e5 as { lineNumber?: number; columnNumber?: number; message: string };
    if (lineNumber !== undefined) {
      return new UserError(
        `${file}:${lineNumber}:${columnNumber ?? 1}: invalid JSON (${message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '')})`,
      );
    }
  }
  return new UserError(`${file}: invalid JSON (${e.message.split('\n')[0]})`);
}

function jsonArray(file: string, text: string): Located[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw syntaxError(file, text, e as Error);
  }
  if (!Array.isArray(data)) {
    throw new UserError(
      `${file}: the JSON is ${describe(data)}; expected an array of records ([{"a": 1, ...}, ...]) or one object per line (JSONL)`,
    );
  }
  return data.map((record, i) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new UserError(`${file}: record ${i} is ${describe(record)}; expected an object of field values`);
    }
    return { record: record as JsonRecord, place: { file, line: i, at: `${file}: record ${i}` } };
  });
}

function jsonLines(file: string, text: string, signal?: AbortSignal): Located[] {
  const out: Located[] = [];
  let line = 0;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (line % 65536 === 0 && signal) throwIfAborted(signal);
    if (raw === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (e) {
      throw new UserError(
        `${file}:${line}: invalid JSON on this line (${(e as Error).message.split('\n')[0]}); JSONL needs one complete object per line`,
      );
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new UserError(`${file}:${line}: the line holds ${describe(record)}; JSONL needs one object per line`);
    }
    out.push({ record: record as JsonRecord, place: { file, line, at: `${file}:${line}` } });
  }
  return out;
}

/** A JSON value as the text a CSV field would hold: numbers and booleans printed, null missing, nested values as JSON. */
function fieldText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function columnsOf(records: Located[]): string[] {
  const names = new Set<string>();
  for (const { record } of records) for (const k of Object.keys(record)) names.add(k);
  return [...names];
}

function build(
  records: Located[],
  names: string[],
  opts: JsonOptions,
  asStrings: ReadonlySet<string>,
): ColumnBuilder[] {
  const missing = new Set(opts.missingValues);
  const builders = names.map(
    (name, i) => new ColumnBuilder(name, i, records.length, missing, false, opts.types[name], asStrings.has(name)),
  );
  for (const { record, place } of records) {
    for (const b of builders) b.push(fieldText(record[b.name]), place);
  }
  return builders;
}

/**
 * Reads a JSON array of records or JSON Lines into a Table, with the CSV reader's type
 * inference. Errors name the file and the line (JSONL, syntax errors) or the record index.
 */
export async function readJson(file: string, opts: JsonOptions, hooks: ReadHooks = {}): Promise<TableValue> {
  const size = await checkReadable(file);
  if (size === 0) throw new UserError(`${file}: the file is empty`);
  rejectBinary(file, await readHead(file, 1 << 16), 'a JSON text file');
  const text = await readText(file);
  const body = text.trimStart();
  if (body === '') throw new UserError(`${file}: the file is empty`);
  const ext = path.extname(file).toLowerCase();
  let lines = opts.format === 'jsonl' || (opts.format === 'auto' && (ext === '.jsonl' || ext === '.ndjson'));
  if (opts.format === 'auto' && !lines && body[0] === '{') lines = !parses(body);
  hooks.progress?.(0.3, 'parsing');
  const records = lines ? jsonLines(file, text, hooks.signal) : jsonArray(file, text);
  if (records.length === 0) throw new UserError(`${file}: no records`);
  const names = columnsOf(records);
  if (names.length === 0) throw new UserError(`${file}: the records have no fields`);
  hooks.progress?.(0.6, `${records.length} records`);
  let builders = build(records, names, opts, new Set());
  const again = demotedColumns(builders);
  if (again.size) builders = build(records, names, opts, again);
  const columns = builders.map((b) => b.finish());
  const warnings = builders
    .filter((b) => b.missing === records.length)
    .map((b) => `column '${b.name}' is empty (every value is missing)`);
  return { columns, rowCount: records.length, source: file, ...(warnings.length ? { warnings } : {}) };
}
