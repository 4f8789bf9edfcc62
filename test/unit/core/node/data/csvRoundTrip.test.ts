import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvOptionsSchema } from '../../../../../core/common/nodes/data/csvOptions';
import { readCsv } from '../../../../../core/node/data/readCsv';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-csv-prop-'));
const missing = new Set(csvOptionsSchema.parse({}).missingValues);

/** RFC 4180 quoting: fields with the delimiter, a quote or a line break are quoted, quotes doubled. */
function quote(v: string, delim: string): string {
  return /[",\n\r;\t|]/.test(v) || v.includes(delim) ? `"${v.replaceAll('"', '""')}"` : v;
}

const cell = fc.string({
  unit: fc.constantFrom('a', 'b', 'Z', ' ', ',', ';', '"', '\n', 'é', '7', '.', '-', '\t', '|', '€'),
  maxLength: 8,
});

describe('CSV reader round trip', () => {
  it('reads back any table of strings written with quoting (text columns)', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 4 })
          .chain((cols) =>
            fc.tuple(
              fc.constant(cols),
              fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 12 }),
            ),
          ),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        async ([cols, rows], delim, eol) => {
          const names = Array.from({ length: cols }, (_, j) => `c${j}`);
          const text =
            [names.join(delim), ...rows.map((r) => r.map((v) => quote(v, delim)).join(delim))].join(eol) + eol;
          const f = path.join(dir, `t${k++}.csv`);
          writeFileSync(f, text);
          const types = Object.fromEntries(names.map((n) => [n, 'text' as const]));
          const table = await readCsv(f, csvOptionsSchema.parse({ delimiter: delim, types }));
          expect(table.rowCount).toBe(rows.length);
          table.columns.forEach((c, j) => {
            expect(c.values).toEqual(rows.map((r) => (r[j] === '' || missing.has(r[j]) ? null : r[j])));
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads back any table of finite numbers exactly, with the delimiter sniffed', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.constantFrom(',', '\t', '|'),
        async (rows, delim) => {
          const text = [
            'x,y,z'.replaceAll(',', delim),
            ...rows.map((r) => r.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(delim)),
          ].join('\n');
          const f = path.join(dir, `n${k++}.csv`);
          writeFileSync(f, text);
          const table = await readCsv(f, csvOptionsSchema.parse({}));
          table.columns.forEach((c, j) => {
            expect(Array.from(c.values as Float64Array)).toEqual(rows.map((r) => r[j]));
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
