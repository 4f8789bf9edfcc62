import { isUtf8 } from 'node:buffer';
import { type FileHandle, open } from 'node:fs/promises';
import { throwIfAborted } from '../executors/Executor';
import { ByteDict } from './byteDict';
import type { ColumnBuilder, Place } from './columnBuilder';
import { fileError } from './openInput';
import type { ReadHooks } from './readCsv';
import type { CsvLayout, CsvRows } from './csvRows';

/** Exact powers of ten: every 10^k for k ≤ 22 is a double. */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const BLOCK = 2 << 20;
/** papaparse's text chunk: decodeChunks reads a MiB at a time. */
const HEAD = 1 << 20;
const LF = 10;
const CR = 13;
const QUOTE = 34;
/** `quotedRecord`'s answers besides a position: the record runs past the bytes read; the file needs papaparse. */
const MORE = -1;
const UNFIT = -2;

/**
 * The line ending papaparse settles on: it guesses once, from the first text chunk it sees
 * (the first MiB of the file), and keeps it for the whole file.
 */
export function papaNewline(text: Uint8Array): '\n' | '\r\n' | '\r' {
  if (text.indexOf(CR) === -1) return '\n';
  // the bytes outside quoted text, as papaparse's guess sees them: it removes each pair of
  // quote characters with what lies between (a lone last quote stays, with what follows)
  let at = 0;
  let firstCr = -1;
  let firstLf = -1;
  let pieces = 1;
  let withLf = 0;
  let afterCr = false;
  const visit = (from: number, to: number): void => {
    for (let i = from; i < to; i++, at++) {
      const c = text[i];
      if (afterCr && c === LF) withLf++;
      afterCr = c === CR;
      if (afterCr) {
        pieces++;
        if (firstCr === -1) firstCr = at;
      } else if (c === LF && firstLf === -1) firstLf = at;
    }
  };
  let from = 0;
  for (let q = text.indexOf(QUOTE); q !== -1; q = text.indexOf(QUOTE, from)) {
    const close = text.indexOf(QUOTE, q + 1);
    if (close === -1) break;
    visit(from, q);
    from = close + 1;
  }
  visit(from, text.length);
  if (firstCr === -1 || (firstLf !== -1 && firstLf < firstCr)) return '\n';
  return withLf >= pieces / 2 ? '\r\n' : '\r';
}

/**
 * Hands out the text of short ASCII fields, one string for equal bytes seen recently, so a
 * category column does not make a new string per cell (and Map lookups reuse its hash).
 * Other fields are decoded each time. Quoted fields are keyed by their raw bytes, doubled
 * quotes included, and given unescaped.
 */
class ByteInterner {
  private readonly raws: (string | undefined)[] = new Array<string | undefined>(8192).fill(undefined);
  private readonly values: string[] = new Array<string>(8192).fill('');

  get(buf: Buffer, s: number, e: number, doubled: boolean): string {
    const n = e - s;
    if (n > 48) return decode(buf, s, e, doubled);
    let h = n + (doubled ? 7 : 0);
    for (let i = s; i < e; i++) {
      const b = buf[i];
      if (b >= 128) return decode(buf, s, e, doubled);
      h = Math.imul(h ^ b, 16777619);
    }
    const slot = (h ^ (h >>> 15)) & 8191;
    const raw = this.raws[slot];
    if (raw !== undefined && raw.length === n && (this.values[slot].length === n) !== doubled) {
      let k = 0;
      while (k < n && raw.charCodeAt(k) === buf[s + k]) k++;
      if (k === n) return this.values[slot];
    }
    const str = buf.toString('latin1', s, e);
    const value = doubled ? str.replaceAll('""', '"') : str;
    this.raws[slot] = str;
    this.values[slot] = value;
    return value;
  }
}

function decode(buf: Buffer, s: number, e: number, doubled: boolean): string {
  const v = buf.toString('utf8', s, e);
  return doubled ? v.replaceAll('""', '"') : v;
}

/** Where the last `parseField` call found its field's end. */
let fieldEnd = 0;

/**
 * Parses the field that starts at `p` and ends at the next `delim` or `stop` byte or at
 * `lineEnd`, setting `fieldEnd`; the value as `parseDecimal` gives it (NaN where the text is
 * anything else). `stop` is a second end byte (the line feed where the line end is not known yet).
 */
export function parseField(buf: Uint8Array, p: number, lineEnd: number, delim: number, stop = delim): number {
  const start = p;
  if (p === lineEnd) {
    fieldEnd = p;
    return NaN;
  }
  let c = buf[p];
  const neg = c === 45;
  if (neg || c === 43) p++;
  const first = p;
  let m = 0;
  for (; p < lineEnd; p++) {
    const d = buf[p] - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
  }
  let digits = p - first;
  let scale = 0;
  if (p < lineEnd && buf[p] === 46) {
    const f = ++p;
    for (; p < lineEnd; p++) {
      const d = buf[p] - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
    }
    scale = f - p;
    digits -= scale;
  }
  if (p === lineEnd || (c = buf[p]) === delim || c === stop) {
    fieldEnd = p;
    if (digits === 0) return NaN;
    // more digits may still be few significant ones (leading zeros): the careful parser decides
    if (digits > 15 || scale < -22) return parseDecimal(buf, start, p);
    const x = scale === 0 ? m : m / POW10[-scale];
    return neg ? -x : x;
  }
  while (p < lineEnd && buf[p] !== delim && buf[p] !== stop) p++;
  fieldEnd = p;
  return c === 101 || c === 69 ? parseDecimal(buf, start, p) : NaN;
}

/**
 * Splits the line `buf[p, lineEnd)` at `delim` into at most `vals.length` fields, recording
 * where each starts and ends and its value as `parseField` gives it. Returns the field count,
 * or `vals.length + 1` when there are more fields.
 */
function splitLine(
  buf: Uint8Array,
  p: number,
  lineEnd: number,
  delim: number,
  vals: Float64Array,
  starts: Int32Array,
  ends: Int32Array,
): number {
  const ncols = vals.length;
  let j = 0;
  for (;;) {
    if (j === ncols) return ncols + 1;
    starts[j] = p;
    vals[j] = parseField(buf, p, lineEnd, delim);
    p = fieldEnd;
    ends[j++] = p;
    if (p === lineEnd) return j;
    p++;
  }
}

/**
 * Parses the field `buf[p, end)` as a plain decimal literal: optional sign, digits with an
 * optional point, optional exponent. Returns the value when it is that and the double is
 * certainly the one `Number(text)` gives (at most 15 significant digits and a power of ten
 * that is exact, so one correctly rounded multiplication or division), else NaN.
 */
export function parseDecimal(buf: Uint8Array, p: number, end: number): number {
  let neg = false;
  let c = buf[p];
  if (c === 45 || c === 43) {
    neg = c === 45;
    p++;
  }
  let m = 0;
  let digits = 0;
  let sig = 0;
  let scale = 0;
  for (; p < end; p++) {
    const d = buf[p] - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
    if (m !== 0) sig++;
  }
  if (p < end && buf[p] === 46) {
    for (p++; p < end; p++) {
      const d = buf[p] - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      scale--;
      if (m !== 0) sig++;
    }
  }
  if (digits === 0 || sig > 15) return NaN;
  if (p < end) {
    c = buf[p];
    if (c !== 101 && c !== 69) return NaN;
    p++;
    let eneg = false;
    c = buf[p];
    if (c === 45 || c === 43) {
      eneg = c === 45;
      p++;
    }
    const start = p;
    let e = 0;
    for (; p < end && p - start < 5; p++) {
      const d = buf[p] - 48;
      if (d < 0 || d > 9) return NaN;
      e = e * 10 + d;
    }
    if (p === start || p < end) return NaN;
    scale += eneg ? -e : e;
  }
  let x: number;
  if (m === 0) x = 0;
  else if (scale >= 0 && scale <= 22) x = m * POW10[scale];
  else if (scale < 0 && scale >= -22) x = m / POW10[-scale];
  else return NaN;
  return neg ? -x : x;
}

/** A pass's buffers: a block and room for the end of the line before it. */
const BUFFER = BLOCK + (64 << 10);
/** Buffers kept for the next pass on this thread (a pass uses three), so that chunks read one after another reuse them. */
const spare: Buffer[] = [];

function takeBuffer(): Buffer {
  return spare.pop() ?? Buffer.allocUnsafe(BUFFER);
}

function giveBuffer(b: Buffer): void {
  if (b.length === BUFFER && spare.length < 6) spare.push(b);
}

/**
 * Reads a file a block at a time into two buffers in turn, one read ahead, so the disk (or the
 * page cache copy) works while the caller parses. Blocks end at multiples of `BLOCK` in the file
 * (the first one, from `position`, may be shorter), so a pass over part of the file meets the
 * same block ends as a pass over all of it.
 */
class ReadAhead {
  private readonly bufs = [takeBuffer(), takeBuffer()];
  private turn = 0;
  private wanted: number;
  private next: Promise<number>;

  constructor(
    private readonly fh: FileHandle,
    private position: number,
  ) {
    this.wanted = BLOCK - (position % BLOCK);
    this.next = this.read(this.bufs[0], this.wanted);
  }

  private async read(buf: Buffer, length: number): Promise<number> {
    let n = 0;
    while (n < length) {
      const { bytesRead } = await this.fh.read(buf, n, length - n, this.position + n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return n;
  }

  /** The next block (valid until the call after next), and whether it ends the file. */
  async take(): Promise<{ chunk: Buffer; last: boolean }> {
    const n = await this.next;
    const last = n < this.wanted;
    const buf = this.bufs[this.turn];
    this.position += n;
    this.turn ^= 1;
    this.wanted = BLOCK;
    this.next = last ? Promise.resolve(0) : this.read(this.bufs[this.turn], BLOCK);
    return { chunk: buf.subarray(0, n), last };
  }

  /** Waits for a read still in flight, so the file can be closed, and gives the buffers back. */
  async settle(): Promise<void> {
    await this.next.catch(() => 0);
    for (const b of this.bufs) giveBuffer(b);
  }
}

/** Where a pass over part of a file starts and stops. */
export interface CsvRange {
  /** The file offset of the range's first record; with `seek`, any offset: the range then starts after the first line feed at or after `from - 1`. */
  from: number;
  seek?: boolean;
  /** The 1-based line number of the line at the range's start. */
  line: number;
  /** Whether lines end in CRLF; left out (only where `from` is 0), it is guessed as papaparse does. */
  crlf?: boolean;
  /** The range stops before the first record that starts at or after this offset. */
  until: number;
  /**
   * Asked, with the offset of a record that starts at or after `until`, for a new `until`; the
   * range stops before that record when the answer is not past it.
   */
  extend?: (at: number) => number;
}

/** Where a pass over part of a file began and stopped. */
export interface RangeEnd {
  /** The offset of the range's first record (after the line feed it sought, with `seek`). */
  start: number;
  /** The offset of the first record not read: at or after `until`, or the file's end. */
  end: number;
  /** The line number at `end`. */
  line: number;
  crlf: boolean;
}

/**
 * One pass over a UTF-8 CSV file straight from the bytes: fields are split at the delimiter
 * byte, quoted fields are read by RFC 4180, and plain decimal numbers are parsed without
 * making strings. Rows go to `rows` exactly as the papaparse pass would send them (same lines,
 * same fields, same values), so the Table is the same. Returns false, leaving `rows` to be
 * thrown away, when the file has something only the general pass handles: a quote papaparse
 * reads leniently (inside an unquoted field, text after a closing quote, never closed), line
 * ends other than LF throughout or CRLF throughout, or bytes that are not UTF-8.
 */
export async function fastPass(layout: CsvLayout, rows: CsvRows, hooks: ReadHooks): Promise<boolean> {
  return (await parseRange(layout, rows, { from: 0, line: 1, until: Infinity }, hooks)) !== false;
}

/**
 * `fastPass` over the records of `range`, handed to `rows` as they come (`rows` may already
 * hold the records before the range). False where the bytes it read need the general pass.
 */
export async function parseRange(
  layout: CsvLayout,
  rows: CsvRows,
  range: CsvRange,
  hooks: ReadHooks,
): Promise<RangeEnd | false> {
  const { file, delimiter } = layout;
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) >= 128) return false;
  const delim = delimiter.charCodeAt(0);
  if (delim === QUOTE || delim === CR || delim === LF) return false;
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw fileError(file, e);
  }
  const readFrom = range.seek === true && range.from > 0 ? range.from - 1 : range.from;
  let seeking = readFrom !== range.from;
  const reader = new ReadAhead(fh, readFrom);
  let buf = takeBuffer();
  try {
    /** The file offset of `buf[0]`. */
    let base = readFrom;
    let filled = 0;
    let eof = false;
    let validated = 0;
    /**
     * Appends the next block of the file (blocks are whole MiBs of the file: papaparse decodes a
     * MiB at a time, so invalid UTF-8 anywhere in the MiB that ends a line stops it before that
     * line), then checks that everything read is UTF-8; false when it is not.
     */
    const fill = async (): Promise<boolean> => {
      let chunk: Buffer;
      try {
        const taken = await reader.take();
        chunk = taken.chunk;
        eof = taken.last;
      } catch (e) {
        throw fileError(file, e);
      }
      if (filled + chunk.length > buf.length) {
        const grown = Buffer.allocUnsafe(Math.max(2 * buf.length, filled + chunk.length));
        buf.copy(grown, 0, 0, filled);
        buf = grown;
      }
      chunk.copy(buf, filled);
      filled += chunk.length;
      if (seeking) {
        // the bytes before the first line feed belong to the range before, which checks them
        const lf = buf.subarray(0, filled).indexOf(LF);
        const drop = lf === -1 ? filled : lf + 1;
        buf.copyWithin(0, drop, filled);
        base += drop;
        filled -= drop;
        seeking = lf === -1;
      }
      let upTo = filled;
      if (!eof) {
        // an incomplete character at the end is checked with the next block
        for (let k = filled - 1; k >= Math.max(validated, filled - 3); k--) {
          const b = buf[k];
          if (b < 0x80) break;
          if (b >= 0xc0) {
            if (filled - k < (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2)) upTo = k;
            break;
          }
        }
      }
      if (!isUtf8(buf.subarray(validated, upTo))) return false;
      validated = upTo;
      return true;
    };
    if (!(await fill())) return false;
    while (seeking && !eof) if (!(await fill())) return false;
    let crlf: boolean;
    if (range.crlf === undefined) {
      if (range.from !== 0) throw new Error('parseRange: crlf must be given for a range that starts inside the file');
      const newline = papaNewline(buf.subarray(0, Math.min(filled, HEAD)));
      if (newline === '\r') return false;
      crlf = newline === '\r\n';
    } else crlf = range.crlf;
    let start = base === 0 && filled >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const first = base + start;
    if (seeking) return { start: first, end: first, line: range.line, crlf };
    let line = range.line;
    let until = range.until;
    let stopped = false;
    const ncolsMax = 1 << 16;
    let vals = new Float64Array(0);
    let starts = new Int32Array(0);
    let ends = new Int32Array(0);
    /** Per field of the row at hand: 0 unquoted, 1 quoted, 2 quoted with doubled quotes inside. */
    let quoting = new Uint8Array(0);
    let dicts: ByteDict[] = [];
    const interner = new ByteInterner();
    let quoteAt = -1;
    /** Whether the last record read had a quoted field: the next one then goes straight to `quotedRecord`. */
    let quoted = false;
    let at: Place | null = null;

    /**
     * Adds the field `buf[s, e)` as text to column `k` (`doubled`: quoted, with `""` inside),
     * by the column's memory of equal bytes where it has one.
     */
    const pushText = (builder: ColumnBuilder, k: number, s: number, e: number, doubled: boolean): void => {
      const dict = dicts[k];
      if (!dict.on) return builder.push(interner.get(buf, s, e, doubled), (at ??= { file, line }));
      const effect = dict.lookup(buf, s, e);
      if (effect !== null && builder.replay(effect)) return;
      dict.remember(buf, s, e, builder.pushRecorded(interner.get(buf, s, e, doubled), (at ??= { file, line })));
    };

    /**
     * Splits and hands over the records that start in `buf[start, end)` (`end` is a line start;
     * a quoted record may run on to `filled`). Returns where the next record starts, or false
     * when the file is unfit.
     */
    const block = (end: number): number | false => {
      if (!crlf && buf.subarray(start, filled).indexOf(CR) !== -1) return false;
      let p = start;
      quoteAt = -1;
      // papaparse drops an empty last line (the file's final line end), and so does this
      while (p < end) {
        while (base + p >= until) {
          const next = range.extend ? range.extend(base + p) : until;
          if (next <= base + p) {
            stopped = true;
            return p;
          }
          until = next;
        }
        if (quoted) {
          const next = quotedRecord(p);
          if (next === UNFIT) return false;
          if (next === MORE) return p;
          p = next;
          continue;
        }
        if (quoteAt !== end && quoteAt < p) {
          quoteAt = buf.indexOf(QUOTE, p);
          if (quoteAt === -1 || quoteAt > end) quoteAt = end;
        }
        let nl = buf.indexOf(LF, p);
        if (nl === -1 || nl >= end) nl = end;
        if (quoteAt < nl) {
          const next = quotedRecord(p);
          if (next === UNFIT) return false;
          if (next === MORE) return p;
          p = next;
          continue;
        }
        let lineEnd = nl;
        if (nl < end && crlf) {
          if (nl === p || buf[nl - 1] !== CR) return false;
          lineEnd = nl - 1;
        }
        const builders = rows.builders;
        if (builders === null || !fastLine(builders, p, lineEnd)) {
          rows.row(buf.toString('utf8', p, lineEnd).split(delimiter), line);
        }
        line++;
        if (nl === end) return end;
        p = nl + 1;
      }
      return p;
    };

    const sized = (ncols: number): boolean => {
      if (vals.length === ncols) return true;
      if (ncols > ncolsMax) return false;
      vals = new Float64Array(ncols);
      starts = new Int32Array(ncols);
      ends = new Int32Array(ncols);
      quoting = new Uint8Array(ncols);
      dicts = Array.from({ length: ncols }, () => new ByteDict());
      return true;
    };

    /** Parses one line into the scratch arrays; commits it when it has the header's field count. */
    const fastLine = (builders: NonNullable<CsvRows['builders']>, p: number, lineEnd: number): boolean => {
      const ncols = builders.length;
      if (!sized(ncols)) return false;
      if (splitLine(buf, p, lineEnd, delim, vals, starts, ends) !== ncols) return false;
      at = null;
      for (let k = 0; k < ncols; k++) {
        const x = vals[k];
        if (x === x && builders[k].pushNumber(x)) continue;
        pushText(builders[k], k, starts[k], ends[k], false);
      }
      return true;
    };

    /**
     * Reads the record at `p`, which has a quote character, by RFC 4180: a field that starts
     * with a quote runs to the quote that is followed by the delimiter, the line end or the end
     * of the file, and `""` inside it stands for one quote. Returns where the next record
     * starts, MORE when the record runs past the bytes read so far, or UNFIT for what only
     * papaparse reads as it does (a quote inside an unquoted field, text after a closing quote,
     * an unclosed quote).
     */
    const quotedRecord = (p: number): number => {
      const limit = filled;
      const builders = rows.builders;
      const ncols = builders === null ? ncolsMax : builders.length;
      if (!sized(builders === null ? 0 : ncols)) return UNFIT;
      const loose: string[] | null = builders === null ? [] : null;
      let j = 0;
      let breaks = 0;
      let anyQuoted = false;
      let nl = -1;
      let next: number;
      for (;;) {
        let q0 = 0;
        let x = NaN;
        let s = p;
        let e: number;
        let after: number;
        if (buf[p] === QUOTE) {
          let q = p + 1;
          let doubled = false;
          for (;;) {
            while (q < limit) {
              const c = buf[q];
              if (c === QUOTE) break;
              if (c === LF) breaks++;
              q++;
            }
            if (q >= limit) return eof ? UNFIT : MORE;
            if (q + 1 === limit && !eof) return MORE;
            if (buf[q + 1] !== QUOTE || q + 1 === limit) break;
            doubled = true;
            q += 2;
          }
          s = p + 1;
          e = q;
          q0 = doubled ? 2 : 1;
          anyQuoted = true;
          after = q + 1;
          if (after < limit) {
            const c = buf[after];
            if (crlf ? c === CR && after + 1 < limit && buf[after + 1] === LF : c === LF) {
              nl = crlf ? after + 1 : after;
              after = nl;
            } else if (c !== delim) return after + 1 === limit && !eof ? MORE : UNFIT;
          }
        } else if (!crlf) {
          x = parseField(buf, p, limit, delim, LF);
          e = fieldEnd;
          if (x !== x) for (let k = p; k < e; k++) if (buf[k] === QUOTE) return UNFIT;
          after = e;
          if (e === limit) {
            if (!eof) return MORE;
            nl = limit;
          } else if (buf[e] === LF) nl = e;
        } else {
          if (nl < p) {
            nl = buf.indexOf(LF, p);
            if (nl === -1 || nl >= limit) {
              if (!eof) return MORE;
              nl = limit;
            }
          }
          const lineEnd = crlf && nl < limit && nl > p && buf[nl - 1] === CR ? nl - 1 : nl;
          x = parseField(buf, p, lineEnd, delim);
          e = fieldEnd;
          if (x !== x) for (let k = p; k < e; k++) if (buf[k] === QUOTE) return UNFIT;
          after = e;
          if (e === lineEnd && crlf && nl < limit && lineEnd === nl) return UNFIT;
          if (e === lineEnd) after = nl;
        }
        if (builders !== null && j < ncols) {
          starts[j] = s;
          ends[j] = e;
          vals[j] = x;
          quoting[j] = q0;
        }
        if (loose !== null) loose.push(q0 === 0 ? buf.toString('utf8', s, e) : interner.get(buf, s, e, q0 === 2));
        j++;
        if (after >= limit) {
          next = limit;
          break;
        }
        if (buf[after] === delim) {
          p = after + 1;
          if (p === limit) {
            if (!eof) return MORE;
            if (builders !== null && j < ncols) {
              starts[j] = ends[j] = p;
              vals[j] = NaN;
              quoting[j] = 0;
            }
            if (loose !== null) loose.push('');
            j++;
            next = limit;
            break;
          }
          continue;
        }
        next = after + 1;
        break;
      }
      if (builders !== null && j === ncols) {
        at = null;
        for (let k = 0; k < ncols; k++) {
          const q = quoting[k];
          if (q === 0) {
            const x = vals[k];
            if (x === x && builders[k].pushNumber(x)) continue;
          }
          pushText(builders[k], k, starts[k], ends[k], q === 2);
        }
      } else if (builders !== null) {
        const fields: string[] = [];
        for (let k = 0; k < Math.min(j, ncols); k++)
          fields.push(
            quoting[k] === 0
              ? buf.toString('utf8', starts[k], ends[k])
              : interner.get(buf, starts[k], ends[k], quoting[k] === 2),
          );
        while (fields.length < j) fields.push('');
        rows.row(fields, line);
      } else if (loose !== null) {
        rows.row(loose, line);
      }
      line += 1 + breaks;
      quoted = anyQuoted;
      return next;
    };

    for (;;) {
      if (hooks.signal) throwIfAborted(hooks.signal);
      const end = eof ? filled : filled === 0 ? 0 : buf.lastIndexOf(LF, filled - 1) + 1;
      if (end > start || eof) {
        const next = block(end);
        if (next === false) return false;
        hooks.progress?.(Math.min(0.99, (base + next) / Math.max(1, layout.size)), `${line - 1} lines`);
        if (stopped || (eof && next >= filled)) return { start: first, end: base + next, line, crlf };
        if (eof) return false;
        buf.copyWithin(0, next, filled);
        base += next;
        filled -= next;
        validated -= next;
        start = 0;
      }
      if (!(await fill())) return false;
    }
  } finally {
    giveBuffer(buf);
    await reader.settle();
    await fh.close();
  }
}
