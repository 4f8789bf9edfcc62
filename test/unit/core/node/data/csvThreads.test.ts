import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvOptionsSchema } from '../../../../../core/common/nodes/data/csvOptions';
import { readCsv, type ReadHooks } from '../../../../../core/node/data/readCsv';
import { CancelledError } from '../../../../../core/node/executors/Executor';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-csv-threads-'));
let k = 0;
function write(content: string): string {
  const f = path.join(dir, `f${k++}.csv`);
  writeFileSync(f, content);
  return f;
}

/** The Table (numbers as bit patterns, so NaN and -0 count) or the error message, and the passes and worker chunks. */
async function read(file: string, opts: Record<string, unknown>, hooks: ReadHooks) {
  const passes: string[] = [];
  let fromWorkers = -1;
  try {
    const t = await readCsv(file, csvOptionsSchema.parse(opts), {
      ...hooks,
      onPass: (p) => passes.push(p),
      onChunks: (n) => (fromWorkers = n),
    });
    const columns = t.columns.map((c) => ({
      ...c,
      values:
        c.values instanceof Float64Array
          ? Array.from(new BigUint64Array(Float64Array.from(c.values).buffer), String)
          : c.values,
    }));
    return { out: { ...t, columns } as unknown, passes, fromWorkers };
  } catch (e) {
    return { out: { error: (e as Error).message } as unknown, passes, fromWorkers };
  }
}

const word = fc.constantFrom('Oslo', 'Lima', 'NA', '', 'true', 'no', '2024-05-06', '-', 'x y');
const quoted = fc
  .string({ unit: fc.constantFrom('a', 'b', ' ', ',', ';', '"', '\n', '\r\n', 'é', '7'), maxLength: 12 })
  .map((v) => `"${v.replaceAll('"', '""')}"`);
const num = fc.oneof(
  fc.integer({ min: -999, max: 999 }).map(String),
  fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((v) => v.toPrecision(7)),
);

describe('CSV reader on several threads', () => {
  it('gives the Table, or the error with its line, that one thread gives, wherever the chunks start (quoted line breaks included)', async () => {
    let fromWorkers = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((cols) =>
          fc.record({
            // per column: mostly numbers, mostly words, or mostly quoted text with line breaks
            kinds: fc.array(fc.constantFrom(0, 1, 2), { minLength: cols, maxLength: cols }),
            rows: fc.array(fc.array(fc.nat(99), { minLength: cols, maxLength: cols }), {
              minLength: 1,
              maxLength: 120,
            }),
            values: fc.array(fc.tuple(num, word, quoted), { minLength: 8, maxLength: 8 }),
            chunkBytes: fc.integer({ min: 1, max: 300 }),
            threads: fc.integer({ min: 2, max: 4 }),
            crlf: fc.boolean(),
            ragged: fc.option(fc.nat(119)),
            forced: fc.boolean(),
          }),
        ),
        async ({ kinds, rows, values, chunkBytes, threads, crlf, ragged, forced }) => {
          const eol = crlf ? '\r\n' : '\n';
          const pick = (kind: number, r: number): string => {
            const [n, w, q] = values[r % 8];
            // 1 value in 50 comes from another kind: columns that change type late
            const other = r % 50 === 7 ? (kind + 1) % 3 : kind;
            return other === 0 ? n : other === 1 ? w : q;
          };
          const lines = [kinds.map((_, j) => `c${j}`).join(',')];
          rows.forEach((r, i) => {
            const cells = r.map((v, j) => pick(kinds[j], v + i));
            if (ragged === i) cells.push('1');
            lines.push(cells.join(','));
          });
          const text = lines.join(eol) + eol;
          const opts = forced ? { types: { c0: 'number' } } : {};
          const file = write(text);
          const one = await read(file, opts, { threads: 1 });
          const many = await read(file, opts, { threads, chunkBytes });
          expect(many.out).toEqual(one.out);
          expect(many.passes).toEqual(one.passes);
          if (many.fromWorkers > 0) fromWorkers += many.fromWorkers;
        },
      ),
      { numRuns: 150 },
    );
    expect(fromWorkers).toBeGreaterThan(0);
  });

  it('names the line of an error found in a chunk a worker read', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 4000; i++) lines.push(`${i},"x\n${i % 7}",${i / 8}`);
    const good = lines.join('\n') + '\n';
    const row = 3500;
    // row `row` starts on line 2 + 2 * row (each record spans two lines)
    const ragged = good.replace(`\n${row},"x\n`, `\n${row},9,"x\n`);
    const raggedFile = write(ragged);
    const one = await read(raggedFile, {}, { threads: 1 });
    expect(one.out).toEqual({ error: expect.stringContaining(`:${2 + 2 * row}: ragged row`) as unknown });
    const many = await read(raggedFile, {}, { threads: 2, chunkBytes: 4096 });
    expect(many.out).toEqual(one.out);
    // a number column with one word far in: the error names the line its record starts on, and the column
    const word = good.replace(`\n${row},"x\n${row % 7}",${row / 8}\n`, `\n${row},"x\n${row % 7}",oops\n`);
    const wordFile = write(word);
    const oneWord = await read(wordFile, {}, { threads: 1 });
    expect(oneWord.out).toEqual({
      error: expect.stringContaining(`:${2 + 2 * row}:3: non-numeric value "oops"`) as unknown,
    });
    const manyWord = await read(wordFile, {}, { threads: 2, chunkBytes: 4096 });
    expect(manyWord.out).toEqual(oneWord.out);
    const goodFile = write(good);
    const single = (await read(goodFile, {}, { threads: 1 })).out;
    // The main thread takes chunks from the front while workers start: on a loaded machine it can
    // read them all first, so the read is repeated (a few times at most) until a worker's chunk is used.
    let fromWorkers = 0;
    for (let attempt = 0; attempt < 5 && fromWorkers === 0; attempt++) {
      const fine = await read(goodFile, {}, { threads: 2, chunkBytes: 4096 });
      expect(fine.out).toEqual(single);
      fromWorkers = fine.fromWorkers;
    }
    expect(fromWorkers).toBeGreaterThan(0);
  });

  it('stops when cancelled mid-read, and reads again afterwards', async () => {
    const lines = ['a,b'];
    // past one 2 MiB block, so that the reading thread checks the signal after the first progress
    for (let i = 0; i < 400_000; i++) lines.push(`${i},${i % 3}`);
    const file = write(lines.join('\n') + '\n');
    const controller = new AbortController();
    const cancelled = readCsv(file, csvOptionsSchema.parse({}), {
      threads: 2,
      chunkBytes: 1 << 18,
      signal: controller.signal,
      progress: () => controller.abort(),
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    const again = await read(file, {}, { threads: 2, chunkBytes: 1 << 18 });
    expect(again.out).toEqual((await read(file, {}, { threads: 1 })).out);
  });

  it('reads a small file on one thread unless chunks are asked for', async () => {
    const file = write('a,b\n1,2\n3,4\n');
    expect((await read(file, {}, { threads: 4 })).fromWorkers).toBe(-1);
    expect((await read(file, {}, { threads: 4, chunkBytes: 2 })).fromWorkers).toBeGreaterThanOrEqual(0);
  });
});
