import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readsIgnorePermissions } from '../../../../../core/node/data/openInput';
import { previewFile } from '../../../../../core/node/data/previewFile';
import { runWeft } from '../../../../fixtures/runWeft';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-bad-'));
function file(name: string, content: string | Uint8Array): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}
const numbers = (n: number): string[] => Array.from({ length: n }, (_, i) => `${i},${i % 2}`);

/** Each bad file gives exit 2 and one line naming the file (and line:column where they apply). */
const cases: { name: string; content: string | Uint8Array; message: RegExp; args?: string[] }[] = [
  { name: 'empty.csv', content: '', message: /empty\.csv: the file is empty/ },
  { name: 'blank.csv', content: '\n\n  \n', message: /blank\.csv: the file is empty/ },
  { name: 'header.csv', content: 'a,b\n', message: /header\.csv: the file has a header but no data rows/ },
  { name: 'short.csv', content: 'a,b\n1,2\n3\n', message: /short\.csv:3: ragged row: expected 2 fields .* found 1/ },
  {
    name: 'long.csv',
    content: 'a,b\n1,2\n3,4\n5,6,7\n',
    message: /long\.csv:4: ragged row: expected 2 fields .* found 3/,
  },
  { name: 'dup.csv', content: 'a,b,a\n1,2,3\n', message: /dup\.csv:1: duplicate column name 'a' \(columns 1 and 3\)/ },
  {
    name: 'nonnum.csv',
    content: ['x,y', ...numbers(50), 'oops,1', ...numbers(10)].join('\n'),
    message: /nonnum\.csv:52:1: non-numeric value "oops" in numeric column 'x'/,
  },
  { name: 'inf.csv', content: 'a,b\n1,2\n3,-inf\n', message: /inf\.csv:3:2: infinite value "-inf" in column 'b'/ },
  { name: 'quote.csv', content: 'a,b\n1,2\n"3,4\n', message: /quote\.csv:3: unclosed quote/ },
  {
    name: 'binary.csv',
    content: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
    message: /binary\.csv: looks like a binary file/,
  },
  {
    name: 'latin.csv',
    content: Buffer.concat([Buffer.from('a,b\n1,x\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    message: /latin\.csv:3: undecodable text: invalid UTF-8 at byte 13/,
    args: ['--encoding', 'utf-8'],
  },
];

describe('bad input', () => {
  for (const c of cases) {
    it(`rejects ${c.name} with a message naming the place`, async () => {
      const f = file(c.name, c.content);
      const encoding = c.args?.[1] ?? 'auto';
      await expect(previewFile(f, { csv: { encoding } })).rejects.toThrow(c.message);
    });
  }

  it('exits 2 with one line from the CLI', () => {
    for (const c of cases.filter((k) => ['short.csv', 'binary.csv', 'latin.csv'].includes(k.name))) {
      const r = runWeft(['data', 'inspect', file(c.name, c.content), ...(c.args ?? [])]);
      expect(r.stderr).toMatch(c.message);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain('    at ');
    }
  });

  it('fails the data.csv node (run exits 1) when a value breaks a type override', () => {
    const csv = file('forced.csv', 'x,y\n1,2\n1.5,3\n');
    const pipeline = file(
      'forced.weft.json',
      JSON.stringify({
        format: 'weft.pipeline',
        version: 2,
        nodes: [{ id: 'csv', type: 'data.csv', version: 1, params: { path: csv, types: { x: 'integer' } } }],
        edges: [],
      }),
    );
    const r = runWeft(['run', pipeline, '--json', '--no-cache']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { nodes: Record<string, { error?: string }> };
    expect(out.nodes.csv?.error).toMatch(/forced\.csv:3:1: non-integer value "1.5" in column 'x' \(type integer\)/);
  });

  it('names a missing file', async () => {
    await expect(previewFile(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: no such file or folder/);
  });

  it.skipIf(readsIgnorePermissions())(
    'names a file it may not read (skipped as root: root reads any file)',
    async () => {
      const f = file('secret.csv', 'a,b\n1,2\n');
      chmodSync(f, 0o000);
      await expect(previewFile(f)).rejects.toThrow(/secret\.csv: permission denied/);
    },
  );

  it('reads latin-1 with a warning when the encoding is auto', () => {
    const f = file(
      'latin-auto.csv',
      Buffer.concat([Buffer.from('a,b\n1,caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    const r = runWeft(['data', 'inspect', f, '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as { head: { rows: unknown[][] }; warnings: string[] };
    expect(p.head.rows[0]).toEqual([1, 'café']);
    expect(p.warnings[0]).toMatch(/Latin-1/);
  });
});
