import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { TableValue } from '../../../../../core/common';
import { csvOptionsSchema } from '../../../../../core/common/nodes/data/csvOptions';
import { papaNewline, parseDecimal, parseField } from '../../../../../core/node/data/csvFastPath';
import { readCsv } from '../../../../../core/node/data/readCsv';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-csv-fast-'));
let k = 0;
function write(content: string | Uint8Array): string {
  const f = path.join(dir, `f${k++}.csv`);
  writeFileSync(f, content);
  return f;
}

type Outcome = { table: TableValue } | { error: string };

/** How a test reads: papaparse only, the byte-level pass on one thread, or on three threads in chunks of `chunkBytes`. */
type Mode = boolean | { chunkBytes: number };
let workerChunks = 0;

async function read(
  file: string,
  opts: Record<string, unknown>,
  mode: Mode,
): Promise<{ out: Outcome; parsers: string[] }> {
  const parsers: string[] = [];
  const hooks =
    typeof mode === 'boolean'
      ? { noFastPath: mode, threads: 1 }
      : { threads: 3, chunkBytes: mode.chunkBytes, onChunks: (n: number) => (workerChunks += n) };
  try {
    const table = await readCsv(file, csvOptionsSchema.parse(opts), { ...hooks, onPass: (p) => parsers.push(p) });
    return { out: { table }, parsers };
  } catch (e) {
    return { out: { error: (e as Error).message }, parsers };
  }
}

/** A comparable form: numeric columns as lists of bit patterns (NaN, -0 and every last bit count). */
function plain(o: Outcome): unknown {
  if ('error' in o) return o;
  const { columns, ...rest } = o.table;
  return {
    ...rest,
    columns: columns.map((c) => ({
      ...c,
      values:
        c.values instanceof Float64Array
          ? Array.from(new BigUint64Array(Float64Array.from(c.values).buffer), String)
          : c.values,
    })),
  };
}

async function sameAsPapaparse(file: string, opts: Record<string, unknown> = {}, chunkBytes = 0): Promise<string[]> {
  const fast = await read(file, opts, false);
  const papa = await read(file, opts, true);
  expect(papa.parsers.every((p) => p === 'papaparse')).toBe(true);
  expect(plain(fast.out)).toEqual(plain(papa.out));
  if (chunkBytes > 0) {
    const chunked = await read(file, opts, { chunkBytes });
    expect(plain(chunked.out)).toEqual(plain(papa.out));
    expect(chunked.parsers).toEqual(fast.parsers);
  }
  return fast.parsers;
}

const number = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? '-0' : String(v))),
  fc.double({ min: -1000, max: 1000, noNaN: true }).map((v) => v.toPrecision(6)),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v.toExponential(3)),
  fc
    .tuple(fc.integer({ min: -99, max: 99 }), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: -30, max: 30 }))
    .map(([a, b, e]) => `${a}.${b}E${e >= 0 ? '+' : ''}${e}`),
  fc.constantFrom(
    '-0',
    '0',
    '+7',
    '.5',
    '-.25',
    '5.',
    '007',
    '1e400',
    '-1e-400',
    '12345678901234567890',
    '0.1234567890123456',
    '0x1A',
    '1e',
    '1e+',
    '-',
    '+',
    '.',
  ),
);
const other = fc.constantFrom(
  '',
  '',
  'NA',
  '?',
  'null',
  'NaN',
  'abc',
  'true',
  'False',
  '2024-01-02',
  ' 3',
  '4 ',
  'inf',
  '-Infinity',
  'é',
  '1,5',
  '€7',
  'a "b"',
  '"',
  'x,y',
  'two\nlines',
  'crlf\r\nin',
  ' 5 ',
);

describe('CSV fast path', () => {
  it('parses plain decimal literals to exactly the double Number() gives, or declines', () => {
    const lit = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 20 }),
        fc.option(fc.string({ unit: fc.constantFrom('0', '3', '7', '9'), maxLength: 20 })),
        fc.option(
          fc.tuple(
            fc.constantFrom('e', 'E'),
            fc.constantFrom('', '-', '+'),
            fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 400 })),
          ),
        ),
      )
      .map(([s, i, f, e]) => `${s}${i}${f === null ? '' : `.${f}`}${e === null ? '' : `${e[0]}${e[1]}${e[2]}`}`);
    let parsed = 0;
    fc.assert(
      fc.property(lit, (text) => {
        const bytes = Buffer.from(text.replaceAll('\n', '\r\n'));
        const x = parseDecimal(bytes, 0, bytes.length);
        // the same field inside a line: 'text,9'
        const inLine = Buffer.from(`${text},9`);
        const y = parseField(inLine, 0, inLine.length, 44);
        expect(Object.is(x, y)).toBe(true);
        if (Number.isNaN(x)) return;
        parsed++;
        expect(Object.is(x, Number(text))).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(parsed).toBeGreaterThan(1000);
    for (const [text, x] of [
      ['-0', -0],
      ['-0.000', -0],
      ['0.1', 0.1],
      ['1.5e3', 1500],
      ['123456789012345', 123456789012345],
      ['9.99999999999999e22', 9.99999999999999e22],
      ['4.5E-21', 4.5e-21],
      ['.5', 0.5],
      ['5.', 5],
    ] as const) {
      expect(Object.is(parseDecimal(Buffer.from(text), 0, text.length), x)).toBe(true);
    }
    for (const text of ['', '-', '.', '1e', '1e+', '1.2.3', '1234567890123456', '1e23x', '0x10', ' 1']) {
      expect(parseDecimal(Buffer.from(text), 0, text.length)).toBeNaN();
    }
  });

  it('guesses line endings as papaparse does', () => {
    expect(papaNewline(Buffer.from('a,b\n1,2\r\n'))).toBe('\n');
    expect(papaNewline(Buffer.from('a,b\r\n1,2\n'))).toBe('\r\n');
    expect(papaNewline(Buffer.from('a,b\r1,2\r'))).toBe('\r');
    expect(papaNewline(Buffer.from('a,b'))).toBe('\n');
    // papaparse's own guess on the same text, quoted line ends and lone quotes included
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\n', '\r', '"', 'a', ','), maxLength: 40 }), (s) => {
        expect(papaNewline(Buffer.from(s))).toBe(Papa.parse(s).meta.linebreak);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same Table or the same error as papaparse on random tables', async () => {
    const counts = { fast: 0, papaparse: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((cols) =>
          fc.record({
            cols: fc.constant(cols),
            rows: fc.array(
              fc.oneof(
                {
                  weight: 12,
                  arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: number }, { weight: 1, arbitrary: other }), {
                    minLength: cols,
                    maxLength: cols,
                  }),
                },
                { weight: 1, arbitrary: fc.array(number, { minLength: 0, maxLength: cols + 2 }) },
                { weight: 1, arbitrary: fc.constantFrom([''], ['  ']) },
              ),
              { minLength: 0, maxLength: 40 },
            ),
          }),
        ),
        fc.record({
          delim: fc.constantFrom(',', ';', '\t', '|'),
          eol: fc.constantFrom('\n', '\r\n'),
          bom: fc.boolean(),
          finalEol: fc.boolean(),
          header: fc.boolean(),
          trailingDelim: fc.boolean(),
          forced: fc.constantFrom(undefined, 'integer', 'number', 'category', 'boolean'),
          numericOnly: fc.boolean(),
          quote: fc.constantFrom('none', 'some', 'all'),
          chunkBytes: fc.integer({ min: 1, max: 40 }),
        }),
        async ({ cols, rows }, o) => {
          const names = Array.from({ length: cols }, (_, j) => `c${j}`);
          const odd = (v: string): boolean => v.includes(o.delim) || /["\r\n]/.test(v);
          const cell = (v: string, j: number): string =>
            o.quote === 'all' || (o.quote === 'some' && (odd(v) || j % 2 === 0))
              ? `"${v.replaceAll('"', '""')}"`
              : odd(v)
                ? '7'
                : v;
          const cells = (r: readonly string[]): string => r.map(cell).join(o.delim) + (o.trailingDelim ? o.delim : '');
          const data = o.numericOnly ? rows.map((r) => r.map((v) => (/^-?\d+(\.\d+)?$/.test(v) ? v : '1'))) : rows;
          const lines = [...(o.header ? [cells(names)] : []), ...data.map(cells)];
          const text = (o.bom ? '\uFEFF' : '') + lines.join(o.eol) + (o.finalEol ? o.eol : '');
          if (text.trim() === '') return;
          const types = o.forced ? { c0: o.forced } : {};
          const parsers = await sameAsPapaparse(
            write(text),
            { delimiter: o.delim, header: o.header, types },
            o.chunkBytes,
          );
          for (const p of parsers) counts[p as 'fast' | 'papaparse']++;
        },
      ),
      { numRuns: 400 },
    );
    // the comparison means something only if the fast path really ran, and worker threads read chunks
    expect(counts.fast).toBeGreaterThan(200);
    expect(workerChunks).toBeGreaterThan(0);
  });

  it('agrees with papaparse on quoted fields, and on files it declines: lenient quotes, mixed line ends, lone CR, bad UTF-8', async () => {
    const cases: [string | Buffer, Record<string, unknown>, string][] = [
      ['a,b\n1,2\n"3",4\n', {}, 'fast'],
      ['a,b\n1,"x ""y"", z"\n"2\n3",4\n5,""\n', {}, 'fast'],
      ['"a","b"\r\n"1","2\r\nx"\r\n"",\r\n', {}, 'fast'],
      ['"a\nb",c\n1,"q\n\nr"\n', {}, 'fast'],
      ['a;b\n"1,5";"x;y"\n', {}, 'fast'],
      ['a,b\n1,"x"', {}, 'fast'],
      ['a,b\n1,"x",\n', {}, 'fast'],
      ['a,b\n1,"\n2,3', {}, 'papaparse'],
      ['a,b\n1,x"y"\n', {}, 'papaparse'],
      ['a,b\n1,"x"y\n', {}, 'papaparse'],
      ['a,b\n1,"x" \n', {}, 'papaparse'],
      ['a,b\n1,"x\ry"\n', {}, 'papaparse'],
      ['a,b\r\n1,2\n3,4\r\n', {}, 'papaparse'],
      ['a,b\n1,2\r\n3,4\n', {}, 'papaparse'],
      ['a,b\r1,2\r3,4\r', {}, 'papaparse'],
      [Buffer.concat([Buffer.from('a,b\n1,2\nM'), Buffer.from([0xfc]), Buffer.from('n,4\n')]), {}, 'papaparse'],
      ['a;b\n1,5;2\n3;4,25\n', {}, 'fast'],
      ['a,b\n1,2\n3\n', {}, 'fast'],
      ['x\n1\n\n2\n', {}, 'fast'],
      ['a,b\n1,2,\n', {}, 'fast'],
      ['\uFEFFa,b\r\n1,-2.5e3\r\n', {}, 'fast'],
      // lines after a quoted record, which are read by the quoted-record loop
      ['a,b\n"x",1\n2,1.5e3\n3,\n"y",7e-2', {}, 'fast'],
      ['a,b\n"x",1\n\n2,3\n\n', {}, 'fast'],
      ['a,b\n"x",1\n2,3,4\n', {}, 'fast'],
      ['a,b\n"x",1\n2\n', {}, 'fast'],
      ['a,b\n"x",1\n2,y"z"\n', {}, 'papaparse'],
      ['a,b\n"x",1\n2,3\r\n', {}, 'papaparse'],
      ['a,b\r\n"x",1\r\n2,3\r\n4,\r\n', {}, 'fast'],
      ['a,b\n"x",1\n2,3', {}, 'fast'],
      ['a,b\n"x",1\n2,', {}, 'fast'],
      ['"x"\n"1"\n\n2\n  \n3', {}, 'fast'],
      ['x\n"a"\n\n', { types: { x: 'text' } }, 'fast'],
    ];
    for (const [text, opts, parser] of cases) {
      const f = write(text);
      const fast = await read(f, opts, false);
      const papa = plain((await read(f, opts, true)).out);
      expect(plain(fast.out)).toEqual(papa);
      for (const chunkBytes of [1, 2, 3, 5, 8]) expect(plain((await read(f, opts, { chunkBytes })).out)).toEqual(papa);
      if (!('error' in fast.out)) expect(fast.parsers[0]).toBe(parser);
    }
  });

  it('matches papaparse across buffer and MiB boundaries: non-ASCII text, CRLF, a bad byte far in, a very long line', async () => {
    // about 4.6 MB: lines cross the fast path's 4 MiB buffer and papaparse's MiB chunks
    const lines = ['id,name,x'];
    for (let i = 0; i < 240_000; i++) lines.push(`${i},${i % 7 === 0 ? 'Zürich€' : 'b'},${(i * 0.37).toFixed(3)}`);
    const text = lines.join('\n') + '\n';
    const opts = { types: { name: 'category' } };
    expect(await sameAsPapaparse(write(text), opts, 1 << 18)).toEqual(['fast']);
    const bytes = Buffer.from(text.replaceAll('\n', '\r\n'));
    // a ragged row near the end of the fourth MiB, then a bad byte: in the same MiB papaparse
    // meets the bad byte first (it decodes a MiB at a time), in the next MiB the ragged row
    const at = bytes.lastIndexOf(13, 4 * 2 ** 20 - 1000);
    const bad = Buffer.concat([bytes.subarray(0, at), Buffer.from(',1'), bytes.subarray(at)]);
    for (const offset of [4 * 2 ** 20 - 200, 4 * 2 ** 20 + 500]) {
      const copy = Buffer.from(bad);
      copy[offset] = 0xff;
      const f = write(copy);
      expect(await sameAsPapaparse(f, { ...opts, encoding: 'utf-8' }, 1 << 18)).toEqual(
        offset < 4 * 2 ** 20 ? ['papaparse'] : ['fast'],
      );
      expect((await read(f, { ...opts, encoding: 'utf-8' }, false)).out).toEqual({
        error: expect.stringMatching(offset < 4 * 2 ** 20 ? /undecodable/ : /ragged/) as unknown,
      });
    }
    // quoted fields with line breaks, doubled quotes and delimiters across the same boundaries
    const q = ['id,note,x'];
    for (let i = 0; i < 150_000; i++)
      q.push(`${i},"${i % 5 === 0 ? 'a\nb' : 'c, ""d""'} ${i % 11}",${i % 3 === 0 ? '' : i / 4}`);
    const qtext = q.join('\n') + '\n';
    expect(await sameAsPapaparse(write(qtext), {}, 100_003)).toEqual(['fast']);
    expect(await sameAsPapaparse(write(qtext.replaceAll(/(?<!a)\n/g, '\r\n')), {}, 100_003)).toEqual(['fast']);
    // a line longer than the read buffer
    const long = `a,b\n1,${'x'.repeat(3 * 2 ** 20)}\n2,y\n`;
    expect(await sameAsPapaparse(write(long), { types: { b: 'text' } }, 1 << 18)).toEqual(['fast']);
  });

  it('matches papaparse when repeated fields are added from memory: columns that change type late, missing markers, unique text', async () => {
    const cities = ['Oslo', 'Lima', '"Cork, IE"', '"say ""hi"""', 'NA', '', 'Zürich'];
    const rows = ['cat,flag,late,num,uniq,mixed,quotedNum,gone'];
    for (let i = 0; i < 30_000; i++) {
      const flag = i === 21_000 ? 'maybe' : ['true', 'false', 'NA', ''][i % 4];
      const late = i < 12_000 ? String(i % 9) : ['x', 'y', '3', ''][i % 4];
      const num = i === 25_000 ? 'oops' : (i % 13) / 4;
      const mixed = i % 3 === 0 ? `"${i % 5}"` : ['a', '7', 'true', '2024-01-0' + ((i % 9) + 1)][i % 4];
      rows.push(
        [cities[i % 7], flag, late, num, `"u${i}, ""${i * 7}"""`, mixed, `"${i % 6}.5"`, i % 2 ? 'NA' : ''].join(','),
      );
    }
    const text = rows.join('\n') + '\n';
    expect(await sameAsPapaparse(write(text), {}, 30_011)).toEqual(['fast']);
    const withoutBadNumber = text.replace(',oops,', ',1.25,');
    expect(await sameAsPapaparse(write(withoutBadNumber), {}, 30_011)).toEqual(['fast', 'fast']);
    const forced = { types: { cat: 'category', flag: 'text', mixed: 'text', quotedNum: 'number' } };
    expect(await sameAsPapaparse(write(withoutBadNumber), forced, 30_011)).toEqual(['fast', 'fast']);
    const table = (await read(write(withoutBadNumber), {}, false)).out;
    expect('table' in table && table.table.columns.map((c) => c.type)).toEqual([
      'category',
      'category',
      'category',
      'number',
      'text',
      'category',
      'number',
      'number',
    ]);
    expect('table' in table && table.table.warnings).toEqual(["column 'gone' is empty (every value is missing)"]);
  });
});
